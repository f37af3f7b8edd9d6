/**
 * The geo engine (core/geo) as the pipeline's `ZoneLocator`: the package's zones and regions layer mapped onto the
 * engine's input, field for field, and each answer copied out of the engine's reused `Location` object.
 */
import { buildZoneIndex, type ZoneIndex, type ZoneProblem } from '../geo/zone-index.js';
import { sideName } from '../geo/location.js';
import type { ZoneGeometryInput, ZoneInput } from '../geo/zones.js';
import type { Package } from '../spec/schema.js';
import type { LineLocation, ZoneLocation, ZoneLocator } from './model.js';
import { itemAt } from '../item-at.js';

export function zoneGeometryInput(
  pkg: Package,
  geometries: ReadonlyMap<string, { geojson: unknown }>,
): ZoneGeometryInput {
  const geo = (path: string | undefined) => (path === undefined ? undefined : geometries.get(path)?.geojson);
  const zones: ZoneInput[] = [];
  for (const [id, z] of Object.entries(pkg.zones)) {
    switch (z.kind) {
      case 'line': {
        const input: ZoneInput = { id, kind: 'line', geometry: geo(z.geometry) };
        if (z.sides?.left !== undefined && z.sides.right !== undefined)
          input.sides = { left: z.sides.left, right: z.sides.right };
        zones.push(input);
        break;
      }
      case 'buffer':
        zones.push({ id, kind: 'buffer', around: z.around, width: z.width, side: z.side });
        break;
      case 'corridor':
        zones.push({ id, kind: 'corridor', geometry: geo(z.geometry), width: z.width });
        break;
      case 'airspace': {
        const input: ZoneInput = { id, kind: 'airspace', ceiling: z.ceiling };
        if (z.over !== undefined) input.over = z.over;
        if (z.geometry !== undefined) input.geometry = geo(z.geometry);
        if (z.floor !== undefined) input.floor = z.floor;
        zones.push(input);
        break;
      }
      case 'area': {
        const input: ZoneInput = { id, kind: 'area' };
        if (z.geometry !== undefined) input.geometry = geo(z.geometry);
        if (z.regions !== undefined) input.regions = z.regions;
        zones.push(input);
        break;
      }
    }
  }
  const out: ZoneGeometryInput = { zones };
  if (pkg.regions)
    out.regions = { geometry: geo(pkg.regions.geometry), code: pkg.regions.code, name: pkg.regions.name };
  return out;
}

export class GeoLocator implements ZoneLocator {
  private readonly lineZones: { id: string; at: number }[];

  constructor(readonly index: ZoneIndex) {
    // Line zones only (corridors are lines to the engine but not to attribution).
    this.lineZones = index.lines
      .map((l, at) => ({ id: l.id, at }))
      .filter((l) => index.zones.find((z) => z.id === l.id)?.kind === 'line');
  }

  regionCodes(): string[] {
    return this.index.regions.map((r) => r.code);
  }

  locate(lon: number, lat: number, radius = 0): ZoneLocation {
    const loc = this.index.locate(lon, lat);
    if (!loc.valid) return { zones: [], lines: [] };
    const zones: string[] = [];
    const zs = this.index.zones;
    let z = 0;
    for (const zone of zs) if (loc.inside[z++] && zone.kind !== 'line') zones.push(zone.id);
    const lines: LineLocation[] = this.lineZones.map((l) => ({
      distance: itemAt(loc.distance, l.at),
      side: sideName(itemAt(loc.side, l.at)),
      zone: l.id,
    })); // canonical key order
    const out: ZoneLocation = { zones, lines };
    if (loc.region >= 0) out.region = itemAt(this.index.regions, loc.region).code;
    else if (radius > 0) {
      // Outside every region, but the disc of uncertainty reaches one: a coastal or river-border town that a coarse
      // boundary leaves in the water (docs/geo.md, "Regions and uncertainty").
      const near = this.index.nearestRegionWithin(lon, lat, radius);
      if (near) {
        out.region = itemAt(this.index.regions, near.region).code;
        out.regionNear = {
          distance: near.distance,
          candidates: near.candidates.map((g) => itemAt(this.index.regions, g).code),
        };
      }
    }
    return out;
  }
}

export type GeoLocatorResult = { ok: true; locator: GeoLocator } | { ok: false; problems: ZoneProblem[] };

/** The locator for a loaded package, or the engine's problems with its geometry. */
export function geoLocatorFor(pkg: Package, geometries: ReadonlyMap<string, { geojson: unknown }>): GeoLocatorResult {
  const built = buildZoneIndex(zoneGeometryInput(pkg, geometries));
  return built.index ? { ok: true, locator: new GeoLocator(built.index) } : { ok: false, problems: built.problems };
}
