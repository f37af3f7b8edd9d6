/**
 * The plain input of the zone engine: what a package says about its zones, with geometry files already parsed.
 * Deliberately independent of the package schema (core/spec), so that the engine can be built and tested alone;
 * an adapter maps the package model onto these shapes, field for field.
 *
 * Units: metres for widths and heights, degrees (WGS84 longitude, latitude) for positions.
 */

/** Which party holds each side of a line, by actor id, relative to the line's direction. */
export interface LineSides {
  left: string;
  right: string;
}

/** A line (contact line, boundary): GeoJSON LineString or MultiLineString features. Contains no area. */
export interface LineZoneInput {
  id: string;
  kind: 'line';
  /** Parsed GeoJSON: FeatureCollection, Feature or geometry; all line features together form the line. */
  geometry: unknown;
  sides?: LineSides;
}

/** Everything within `width` metres of a line zone, on both sides or on one. Never turned into a polygon. */
export interface BufferZoneInput {
  id: string;
  kind: 'buffer';
  /** Id of a `line` (or `corridor`) zone. */
  around: string;
  /** Metres from the line, on each side it covers. */
  width: number;
  /** Default 'both'. */
  side?: 'both' | 'left' | 'right';
}

/** A lane of total `width` metres centred on its own line (a shipping lane, a humanitarian corridor). */
export interface CorridorZoneInput {
  id: string;
  kind: 'corridor';
  geometry: unknown;
  /** Total width in metres: the corridor reaches width / 2 each side of its line. */
  width: number;
  sides?: LineSides;
}

/**
 * Airspace: a footprint and a height band. The footprint is another zone (`over`: an area, buffer or corridor) or
 * its own Polygon/MultiPolygon geometry; a point with an altitude is inside when it is over the footprint and
 * floor <= altitude <= ceiling (metres above the ellipsoid, as the observation reports them).
 */
export interface AirspaceZoneInput {
  id: string;
  kind: 'airspace';
  over?: string;
  geometry?: unknown;
  ceiling: number;
  /** Default 0. */
  floor?: number;
}

/** An area: Polygon/MultiPolygon features of its own, or regions of the regions layer by code, or both. */
export interface AreaZoneInput {
  id: string;
  kind: 'area';
  geometry?: unknown;
  regions?: readonly string[];
}

export type ZoneInput = LineZoneInput | BufferZoneInput | CorridorZoneInput | AirspaceZoneInput | AreaZoneInput;
export type ZoneKind = ZoneInput['kind'];

/** Named regions (oblasts, provinces) from a GeoJSON layer of Polygon/MultiPolygon features. */
export interface RegionLayerInput {
  geometry: unknown;
  /** Feature property holding the region's code. Default 'iso_3166_2'. */
  code?: string;
  /** Feature property holding its name. Default 'name_en'; the code when absent. */
  name?: string;
}

export interface ZoneGeometryInput {
  zones: readonly ZoneInput[];
  regions?: RegionLayerInput;
}
