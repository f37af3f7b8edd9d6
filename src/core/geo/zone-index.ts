/**
 * Zones as geometry: a package's zones built once into an index that places a point (an observation) against all
 * of them. `buildZoneIndex` checks the input and reports every problem it finds instead of building on bad
 * geometry; `ZoneIndex.locate` and `ZoneIndex.locateWithin` answer without allocating (see `location.ts`).
 *
 * Semantics, in one place:
 * - lines: the distance (m, WGS84) to the nearest point, and the side by the rule in `line-index.ts`; a line zone
 *   contains only the points on it;
 * - buffer: within `width` of its line (closed: d <= width), and for a one-sided buffer on that side or on the line;
 * - corridor: within width / 2 of its own line;
 * - area: inside any of its polygons (even-odd over each polygon's rings) or any of its regions;
 * - airspace: over its footprint and floor <= altitude <= ceiling; with no altitude, over its footprint
 *   (`altitudeKnown` is false);
 * - region: the first region of the layer, in layer order, that contains the point.
 */
import { readAreaFeatures, readLineParts, type AreaFeature } from './features.js';
import { LineIndex, LEFT, ON, RIGHT } from './line-index.js';
import {
  INSIDE,
  Location,
  MAYBE,
  OUTSIDE,
  Proximity,
  sideName,
  type LocationRecord,
  type ProximityRecord,
} from './location.js';
import { PolygonGrid } from './polygon-grid.js';
import { validateGeometry, type GeometryProblem, type GeometryUse } from './validate-geometry.js';
import type { LineSides, ZoneGeometryInput, ZoneKind } from './zones.js';

export type ZoneProblemReason =
  /** The zone's or the regions layer's GeoJSON has a problem; see `geometry`. */
  | 'geometry'
  /** A zone that needs geometry has none (or an airspace has both `over` and `geometry`, or neither). */
  | 'missing-geometry'
  | 'duplicate-zone'
  | 'unknown-kind'
  /** `around` or `over` names no zone. */
  | 'unknown-zone'
  /** `around` or `over` names a zone of a kind it cannot use. */
  | 'wrong-zone-kind'
  /** A width, ceiling or floor that is not a finite number in range. */
  | 'bad-number'
  | 'bad-side'
  /** An area names a region code that the regions layer does not have (or there is no layer). */
  | 'unknown-region'
  /** A region feature without a usable code, or two features with one code. */
  | 'bad-region-code';

export interface ZoneProblem {
  /** The zone's id, or null for the regions layer or the input as a whole. */
  zone: string | null;
  /** The zone's field at fault: `geometry`, `around`, `over`, `width`, `ceiling`, `floor`, `side`, `sides`, `regions`, `kind`, `id`. */
  field: string;
  reason: ZoneProblemReason;
  detail: string;
  /** For reason 'geometry': where in the GeoJSON. */
  geometry?: GeometryProblem;
}

export interface BuildResult {
  /** Null when there were problems: the engine does not answer on geometry it could not check. */
  index: ZoneIndex | null;
  problems: ZoneProblem[];
}

export interface ZoneInfo {
  id: string;
  kind: ZoneKind;
}

export interface LineInfo {
  /** Id of the line or corridor zone. */
  id: string;
  sides: LineSides | null;
  segments: number;
}

export interface RegionInfo {
  code: string;
  name: string;
}

// Local copies of imported constants (see line-index.ts: imported bindings are slower in hot loops).
const S_OUTSIDE = OUTSIDE;
const S_MAYBE = MAYBE;
const S_INSIDE = INSIDE;
const SIDE_ON = ON;

const K_LINE = 0;
const K_BUFFER = 1;
const K_CORRIDOR = 2;
const K_AREA = 3;
const K_AIRSPACE = 4;
const KIND_CODE: Record<ZoneKind, number> = {
  line: K_LINE,
  buffer: K_BUFFER,
  corridor: K_CORRIDOR,
  area: K_AREA,
  airspace: K_AIRSPACE,
};

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => x !== null && typeof x === 'object' && !Array.isArray(x);

/** Checks the input and builds the index; never throws on bad input. */
export function buildZoneIndex(input: ZoneGeometryInput): BuildResult {
  const problems: ZoneProblem[] = [];
  const add = (
    zone: string | null,
    field: string,
    reason: ZoneProblemReason,
    detail: string,
    geometry?: GeometryProblem,
  ): void => {
    problems.push(geometry ? { zone, field, reason, detail, geometry } : { zone, field, reason, detail });
  };
  const checkGeometry = (zone: string | null, field: string, doc: unknown, use: GeometryUse): boolean => {
    const found = validateGeometry(doc, { use });
    for (const g of found) add(zone, field, 'geometry', `${g.path || 'the document'}: ${g.detail}`, g);
    return found.length === 0;
  };

  // Regions layer.
  const regions: RegionInfo[] = [];
  const regionPolygons: AreaFeature[] = [];
  const regionByCode = new Map<string, number>();
  const layer: unknown = isObj(input) ? (input as unknown as Obj)['regions'] : undefined;
  if (layer !== undefined) {
    if (!isObj(layer))
      add(null, 'regions', 'missing-geometry', 'the regions layer must be an object with a `geometry`');
    else if (checkGeometry(null, 'regions.geometry', layer['geometry'], 'area')) {
      const codeProp = typeof layer['code'] === 'string' ? layer['code'] : 'iso_3166_2';
      const nameProp = typeof layer['name'] === 'string' ? layer['name'] : 'name_en';
      readAreaFeatures(layer['geometry']).forEach((f, i) => {
        const code = f.properties[codeProp];
        if (typeof code !== 'string' || code === '') {
          add(null, 'regions.code', 'bad-region-code', `feature ${i} has no string property \`${codeProp}\``);
          return;
        }
        if (regionByCode.has(code)) {
          add(
            null,
            'regions.code',
            'bad-region-code',
            `features ${regionByCode.get(code)} and ${i} both have ${codeProp} "${code}"`,
          );
          return;
        }
        const name = f.properties[nameProp];
        regionByCode.set(code, regions.length);
        regions.push({ code, name: typeof name === 'string' && name !== '' ? name : code });
        regionPolygons.push(f);
      });
    }
  }

  // Zones: identity and kind first, so that references can be checked in any order.
  const zonesIn: unknown = isObj(input) ? (input as unknown as Obj)['zones'] : undefined;
  const list: Obj[] = [];
  if (!Array.isArray(zonesIn)) add(null, 'zones', 'missing-geometry', 'expected a list of zones');
  else {
    const seen = new Set<string>();
    zonesIn.forEach((z, i) => {
      if (!isObj(z) || typeof z['id'] !== 'string' || z['id'] === '') {
        add(null, 'id', 'unknown-kind', `zone ${i} has no string id`);
        return;
      }
      const id = z['id'];
      if (seen.has(id)) {
        add(id, 'id', 'duplicate-zone', `zone id "${id}" is used twice`);
        return;
      }
      seen.add(id);
      if (typeof z['kind'] !== 'string' || !(z['kind'] in KIND_CODE)) {
        add(
          id,
          'kind',
          'unknown-kind',
          `kind ${JSON.stringify(z['kind'])} is not one of line, buffer, corridor, area, airspace`,
        );
        return;
      }
      list.push(z);
    });
  }
  const byId = new Map<string, Obj>(list.map((z) => [z['id'] as string, z]));

  const positive = (z: string, field: string, v: unknown): number => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      add(z, field, 'bad-number', `expected a positive number of metres, got ${JSON.stringify(v)}`);
      return NaN;
    }
    return v;
  };
  const finite = (z: string, field: string, v: unknown): number => {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      add(z, field, 'bad-number', `expected a number of metres, got ${JSON.stringify(v)}`);
      return NaN;
    }
    return v;
  };
  const sidesOf = (z: string, v: unknown): LineSides | null => {
    if (v === undefined) return null;
    if (!isObj(v) || typeof v['left'] !== 'string' || typeof v['right'] !== 'string') {
      add(z, 'sides', 'bad-side', 'sides must name a `left` and a `right` party');
      return null;
    }
    return { left: v['left'], right: v['right'] };
  };

  const plans: ZonePlan[] = [];
  for (const z of list) {
    const id = z['id'] as string;
    const kind = z['kind'] as ZoneKind;
    const plan: ZonePlan = {
      id,
      kind,
      parts: null,
      sides: null,
      width: NaN,
      side: 0,
      ref: null,
      areas: [],
      regionCodes: [],
      ceiling: NaN,
      floor: NaN,
    };
    switch (kind) {
      case 'line':
      case 'corridor': {
        if (z['geometry'] === undefined) add(id, 'geometry', 'missing-geometry', `a ${kind} zone needs line geometry`);
        else if (checkGeometry(id, 'geometry', z['geometry'], 'line')) plan.parts = readLineParts(z['geometry']);
        plan.sides = sidesOf(id, z['sides']);
        if (kind === 'corridor') plan.width = positive(id, 'width', z['width']);
        break;
      }
      case 'buffer': {
        plan.width = positive(id, 'width', z['width']);
        const side = z['side'] ?? 'both';
        if (side !== 'both' && side !== 'left' && side !== 'right')
          add(id, 'side', 'bad-side', `side must be both, left or right, got ${JSON.stringify(side)}`);
        plan.side = side === 'left' ? LEFT : side === 'right' ? RIGHT : 0;
        plan.ref = reference(id, 'around', z['around'], ['line', 'corridor']);
        break;
      }
      case 'area': {
        const hasGeometry = z['geometry'] !== undefined;
        const codes = z['regions'];
        if (!hasGeometry && codes === undefined)
          add(id, 'geometry', 'missing-geometry', 'an area needs polygon geometry or a list of region codes');
        if (hasGeometry && checkGeometry(id, 'geometry', z['geometry'], 'area'))
          plan.areas = readAreaFeatures(z['geometry']);
        if (codes !== undefined) {
          if (!Array.isArray(codes) || codes.length === 0)
            add(id, 'regions', 'unknown-region', 'regions must be a non-empty list of region codes');
          else
            codes.forEach((c, i) => {
              if (typeof c === 'string' && regionByCode.has(c)) plan.regionCodes.push(regionByCode.get(c)!);
              else
                add(
                  id,
                  `regions[${i}]`,
                  'unknown-region',
                  layer === undefined
                    ? `no regions layer to look up ${JSON.stringify(c)} in`
                    : `${JSON.stringify(c)} is not a region code of the regions layer`,
                );
            });
        }
        break;
      }
      case 'airspace': {
        const over = z['over'];
        const hasGeometry = z['geometry'] !== undefined;
        if ((over === undefined) === !hasGeometry) {
          add(
            id,
            'over',
            'missing-geometry',
            'an airspace needs either `over` (a zone) or its own polygon geometry, not both',
          );
        } else if (hasGeometry) {
          if (checkGeometry(id, 'geometry', z['geometry'], 'area')) plan.areas = readAreaFeatures(z['geometry']);
        } else plan.ref = reference(id, 'over', over, ['area', 'buffer', 'corridor']);
        plan.ceiling = finite(id, 'ceiling', z['ceiling']);
        plan.floor = z['floor'] === undefined ? 0 : finite(id, 'floor', z['floor']);
        if (plan.floor > plan.ceiling)
          add(id, 'floor', 'bad-number', `floor ${plan.floor} m is above ceiling ${plan.ceiling} m`);
        break;
      }
    }
    plans.push(plan);
  }

  function reference(zone: string, field: string, target: unknown, kinds: ZoneKind[]): string | null {
    if (typeof target !== 'string' || !byId.has(target)) {
      add(zone, field, 'unknown-zone', `${JSON.stringify(target)} is not a zone`);
      return null;
    }
    const k = byId.get(target)!['kind'] as ZoneKind;
    if (!kinds.includes(k)) {
      add(zone, field, 'wrong-zone-kind', `"${target}" is a ${k} zone; ${field} takes ${kinds.join(' or ')}`);
      return null;
    }
    return target;
  }

  if (problems.length > 0) return { index: null, problems };
  return { index: new ZoneIndex(plans, regions, regionPolygons), problems };
}

/** The checked form of one zone, as `buildZoneIndex` hands it to the index (internal). */
export interface ZonePlan {
  id: string;
  kind: ZoneKind;
  parts: Float64Array[] | null;
  sides: LineSides | null;
  width: number;
  side: number;
  ref: string | null;
  areas: AreaFeature[];
  regionCodes: number[];
  ceiling: number;
  floor: number;
}

export class ZoneIndex {
  readonly zones: readonly ZoneInfo[];
  readonly lines: readonly LineInfo[];
  readonly regions: readonly RegionInfo[];

  private readonly lineIndexes: LineIndex[];
  private readonly grid: PolygonGrid;
  /** All polygons' rings, owner = polygon number, for distances to boundaries in locateWithin. */
  private readonly boundaries: LineIndex;
  /** The regions' rings only, owner = region number: for the nearest region of a disc outside every region. */
  private readonly regionBoundaries: LineIndex;
  private readonly polygonCount: number;

  // Compiled zones, in evaluation order (airspace last, after the zones it stands over).
  private readonly order: Int32Array;
  private readonly kind: Uint8Array;
  private readonly line: Int32Array;
  private readonly width: Float64Array;
  private readonly side: Int8Array;
  private readonly base: Int32Array;
  private readonly polyStart: Int32Array;
  private readonly polys: Int32Array;
  private readonly floor: Float64Array;
  private readonly ceiling: Float64Array;

  private readonly bits: Int32Array;
  /** The query [lon, lat, radius, altitude], passed to the indexes in an array so that no double is boxed. */
  private readonly pt = new Float64Array(4);
  private readonly regionWords: Int32Array;
  private readonly marks: Uint8Array;
  private readonly polyStatus: Uint8Array;
  private readonly location: Location;
  private readonly proximity: Proximity;

  /** Use `buildZoneIndex`, which checks the input first. */
  constructor(plans: ZonePlan[], regions: RegionInfo[], regionPolygons: AreaFeature[]) {
    const zoneNo = new Map(plans.map((p, i) => [p.id, i]));
    this.zones = plans.map((p) => ({ id: p.id, kind: p.kind }));
    this.regions = regions;

    // Polygons: the regions first (so region r is polygon r), then each area's and airspace's own features.
    const polygons: Float64Array[][] = regionPolygons.map((f) => f.rings);
    const polyStart = new Int32Array(plans.length + 1);
    const polys: number[] = [];
    plans.forEach((p, i) => {
      for (const r of p.regionCodes) polys.push(r);
      for (const f of p.areas) {
        polys.push(polygons.length);
        polygons.push(f.rings);
      }
      polyStart[i + 1] = polys.length;
    });
    this.polygonCount = polygons.length;
    this.polyStart = polyStart;
    this.polys = Int32Array.from(polys);

    // Extent of everything, for the lines' hint grids.
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    const extend = (xy: Float64Array): void => {
      for (let i = 0; i < xy.length; i += 2) {
        minX = Math.min(minX, xy[i]!);
        maxX = Math.max(maxX, xy[i]!);
        minY = Math.min(minY, xy[i + 1]!);
        maxY = Math.max(maxY, xy[i + 1]!);
      }
    };
    for (const rings of polygons) rings.forEach(extend);
    for (const p of plans) p.parts?.forEach(extend);
    const padX = (maxX - minX) * 0.1 + 0.01;
    const padY = (maxY - minY) * 0.1 + 0.01;
    const extent: [number, number, number, number] = [minX - padX, minY - padY, maxX + padX, maxY + padY];

    const lineNo = new Map<string, number>();
    const lines: LineInfo[] = [];
    this.lineIndexes = [];
    for (const p of plans) {
      if (p.parts === null) continue;
      lineNo.set(p.id, lines.length);
      const li = new LineIndex(p.parts, { hintExtent: extent, hintRefine: 6 });
      this.lineIndexes.push(li);
      lines.push({ id: p.id, sides: p.sides, segments: li.segmentCount });
    }
    this.lines = lines;

    this.grid = new PolygonGrid(polygons);
    const ringParts: Float64Array[] = [];
    const ringOwner: number[] = [];
    polygons.forEach((rings, i) => {
      for (const r of rings) {
        ringParts.push(r);
        ringOwner.push(i);
      }
    });
    this.boundaries = new LineIndex(ringParts, { partOwner: ringOwner });
    const regionRings = ringOwner.filter((o) => o < regions.length).length;
    this.regionBoundaries = new LineIndex(ringParts.slice(0, regionRings), {
      partOwner: ringOwner.slice(0, regionRings),
    });

    const n = plans.length;
    this.kind = new Uint8Array(n);
    this.line = new Int32Array(n).fill(-1);
    this.width = new Float64Array(n);
    this.side = new Int8Array(n);
    this.base = new Int32Array(n).fill(-1);
    this.floor = new Float64Array(n);
    this.ceiling = new Float64Array(n);
    plans.forEach((p, i) => {
      this.kind[i] = KIND_CODE[p.kind];
      if (p.kind === 'line' || p.kind === 'corridor') this.line[i] = lineNo.get(p.id)!;
      if (p.kind === 'buffer') this.line[i] = lineNo.get(p.ref!)!;
      this.width[i] = p.kind === 'corridor' ? p.width / 2 : p.width;
      this.side[i] = p.side;
      if (p.kind === 'airspace') {
        if (p.ref !== null) this.base[i] = zoneNo.get(p.ref)!;
        this.floor[i] = p.floor;
        this.ceiling[i] = p.ceiling;
      }
    });
    const order = plans.map((_, i) => i);
    order.sort((a, b) => Number(plans[a]!.kind === 'airspace') - Number(plans[b]!.kind === 'airspace') || a - b);
    this.order = Int32Array.from(order);

    this.bits = new Int32Array(this.grid.words);
    this.regionWords = new Int32Array(this.grid.words);
    for (let r = 0; r < regions.length; r++) this.regionWords[r >> 5]! |= 1 << (r & 31);
    this.marks = new Uint8Array(this.polygonCount);
    this.polyStatus = new Uint8Array(this.polygonCount);
    this.location = new Location(n, lines.length);
    this.proximity = new Proximity(n, lines.length, regions.length);
  }

  /** Zone number of a zone id, or -1. */
  zoneNumber(id: string): number {
    return this.zones.findIndex((z) => z.id === id);
  }

  /** Line number of a line or corridor zone id, or -1. */
  lineNumber(id: string): number {
    return this.lines.findIndex((l) => l.id === id);
  }

  /** The party holding a side of a line, where the line declares its sides. */
  party(line: number, side: number): string | null {
    const s = this.lines[line]?.sides;
    if (!s) return null;
    return side === LEFT ? s.left : side === RIGHT ? s.right : null;
  }

  /**
   * Places a point. Returns this index's one Location object, overwritten by the next call: copy what you keep.
   * `altitude` in metres; omit it (or pass NaN) when unknown. Allocates nothing; but a caller that reads the
   * coordinates from a typed array makes V8 box them for the call (16 bytes each): `locateFrom` avoids even that.
   */
  locate(lon: number, lat: number, altitude = NaN): Location {
    const pt = this.pt;
    pt[0] = lon;
    pt[1] = lat;
    pt[3] = altitude;
    return this.locateQuery();
  }

  /** `locate` for coords[offset] = longitude, coords[offset + 1] = latitude, and the altitude at offset + 2 if `withAltitude`. */
  locateFrom(coords: Float64Array, offset: number, withAltitude = false): Location {
    const pt = this.pt;
    pt[0] = coords[offset]!;
    pt[1] = coords[offset + 1]!;
    pt[3] = withAltitude ? coords[offset + 2]! : NaN;
    return this.locateQuery();
  }

  private locateQuery(): Location {
    const pt = this.pt;
    const lon = pt[0]!;
    const lat = pt[1]!;
    const altitude = pt[3]!;
    const loc = this.location;
    loc.valid = lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90;
    loc.altitudeKnown = altitude === altitude;
    if (!loc.valid) {
      loc.inside.fill(0);
      loc.distance.fill(NaN);
      loc.side.fill(SIDE_ON);
      loc.beyondEnd.fill(0);
      loc.segment.fill(-1);
      loc.region = -1;
      return loc;
    }
    const lis = this.lineIndexes;
    for (let l = 0; l < lis.length; l++) {
      const li = lis[l]!;
      li.nearestPoint(pt);
      loc.distance[l] = li.distance;
      loc.side[l] = li.side;
      loc.beyondEnd[l] = li.atEnd ? 1 : 0;
      loc.segment[l] = li.segment;
    }
    const bits = this.bits;
    this.grid.containsPoint(pt, bits);
    loc.region = -1;
    for (let w = 0; w < bits.length; w++) {
      const v = bits[w]! & this.regionWords[w]!;
      if (v !== 0) {
        loc.region = w * 32 + (31 - Math.clz32(v & -v));
        break;
      }
    }
    const inside = loc.inside;
    const order = this.order;
    for (let k = 0; k < order.length; k++) {
      const z = order[k]!;
      let v = 0;
      switch (this.kind[z]) {
        case K_LINE:
          v = loc.distance[this.line[z]!] === 0 ? 1 : 0;
          break;
        case K_BUFFER:
        case K_CORRIDOR: {
          const l = this.line[z]!;
          const want = this.side[z]!;
          v =
            loc.distance[l]! <= this.width[z]! && (want === 0 || loc.side[l] === want || loc.side[l] === SIDE_ON)
              ? 1
              : 0;
          break;
        }
        case K_AREA:
          v = this.inPolygons(z);
          break;
        case K_AIRSPACE: {
          const b = this.base[z]!;
          v = b >= 0 ? inside[b]! : this.inPolygons(z);
          if (v && altitude === altitude && !(altitude >= this.floor[z]! && altitude <= this.ceiling[z]!)) v = 0;
          break;
        }
      }
      inside[z] = v;
    }
    return loc;
  }

  private inPolygons(z: number): number {
    const bits = this.bits;
    const end = this.polyStart[z + 1]!;
    for (let k = this.polyStart[z]!; k < end; k++) {
      const p = this.polys[k]!;
      if ((bits[p >> 5]! >>> (p & 31)) & 1) return 1;
    }
    return 0;
  }

  /**
   * Places a disc of `radius` metres around a point: for each zone and region, whether the disc is certainly
   * inside, certainly outside, or may be either. Returns this index's one Proximity object, overwritten by the next
   * call. Certainty is conservative: a disc within about a centimetre (or 0.1%) of deciding is MAYBE.
   */
  locateWithin(lon: number, lat: number, radius: number, altitude = NaN): Proximity {
    const pt = this.pt;
    pt[0] = lon;
    pt[1] = lat;
    pt[2] = radius;
    pt[3] = altitude;
    return this.locateWithinQuery();
  }

  /** `locateWithin` for coords[offset..]: longitude, latitude, radius, and the altitude if `withAltitude`. */
  locateWithinFrom(coords: Float64Array, offset: number, withAltitude = false): Proximity {
    const pt = this.pt;
    pt[0] = coords[offset]!;
    pt[1] = coords[offset + 1]!;
    pt[2] = coords[offset + 2]!;
    pt[3] = withAltitude ? coords[offset + 3]! : NaN;
    return this.locateWithinQuery();
  }

  private locateWithinQuery(): Proximity {
    const pt = this.pt;
    const lon = pt[0]!;
    const lat = pt[1]!;
    const radius = pt[2]!;
    const altitude = pt[3]!;
    const pr = this.proximity;
    pr.valid = lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90 && radius >= 0 && radius < Infinity;
    pr.altitudeKnown = altitude === altitude;
    if (!pr.valid) {
      pr.status.fill(S_OUTSIDE);
      pr.regionStatus.fill(S_OUTSIDE);
      pr.distance.fill(NaN);
      return pr;
    }
    const r = radius;
    const lis = this.lineIndexes;
    for (let l = 0; l < lis.length; l++) {
      lis[l]!.nearestPoint(pt);
      pr.distance[l] = lis[l]!.distance;
    }
    // Polygons: MAYBE when the boundary is within the radius, otherwise the centre's answer holds for the disc.
    const bits = this.bits;
    this.grid.containsPoint(pt, bits);
    const marks = this.marks;
    marks.fill(0);
    this.boundaries.markWithinPoint(pt, marks);
    const ps = this.polyStatus;
    for (let p = 0; p < ps.length; p++)
      ps[p] = marks[p] ? S_MAYBE : (bits[p >> 5]! >>> (p & 31)) & 1 ? S_INSIDE : S_OUTSIDE;
    for (let g = 0; g < pr.regionStatus.length; g++) pr.regionStatus[g] = ps[g]!;

    const status = pr.status;
    const order = this.order;
    for (let k = 0; k < order.length; k++) {
      const z = order[k]!;
      let v = S_OUTSIDE;
      switch (this.kind[z]) {
        case K_LINE:
          v = pr.distance[this.line[z]!]! <= r ? S_MAYBE : S_OUTSIDE;
          break;
        case K_BUFFER:
        case K_CORRIDOR:
          v = this.bufferStatus(z);
          break;
        case K_AREA:
          v = this.polygonsStatus(z);
          break;
        case K_AIRSPACE: {
          const b = this.base[z]!;
          v = b >= 0 ? status[b]! : this.polygonsStatus(z);
          if (altitude === altitude && !(altitude >= this.floor[z]! && altitude <= this.ceiling[z]!)) v = S_OUTSIDE;
          break;
        }
      }
      status[z] = v;
    }
    return pr;
  }

  private bufferStatus(z: number): number {
    const r = this.pt[2]!;
    const l = this.line[z]!;
    const li = this.lineIndexes[l]!;
    const d = li.distance;
    const w = this.width[z]!;
    // Certainty margins: the computed distance is within 1e-6 relative of the true one; keep well clear of that.
    const slack = 1e-6 * (d + r) + 0.01;
    if (d - r > w + slack) return S_OUTSIDE;
    const want = this.side[z]!;
    if (want === 0) return d + r <= w - slack ? S_INSIDE : S_MAYBE;
    // One-sided: the disc is on one side when it touches neither the line nor the rays extending its ends.
    li.measureEndRaysPoint(this.pt);
    const clear = d >= r + slack && li.endRayDistance * (1 - 1e-3) - 0.01 > r;
    if (!clear) return S_MAYBE;
    const right = li.side === want;
    if (!right) return S_OUTSIDE;
    return d + r <= w - slack ? S_INSIDE : S_MAYBE;
  }

  private polygonsStatus(z: number): number {
    const end = this.polyStart[z + 1]!;
    let v = S_OUTSIDE;
    for (let k = this.polyStart[z]!; k < end; k++) {
      const s = this.polyStatus[this.polys[k]!]!;
      if (s === S_INSIDE) return S_INSIDE;
      if (s === S_MAYBE) v = S_MAYBE;
    }
    return v;
  }

  /**
   * For a disc whose centre lies in no region: the nearest region, when the disc reaches it (its boundary within
   * `radius` metres), and every region the disc reaches, by index. Null when the disc reaches none. The caller has
   * established that the centre is outside every region (then the distance to a region is the distance to its
   * boundary). Allocates: it runs only for the few reports near a coast, a river border or the country's edge.
   */
  nearestRegionWithin(
    lon: number,
    lat: number,
    radius: number,
  ): { region: number; distance: number; candidates: number[] } | null {
    if (this.regions.length === 0 || !(radius > 0) || !(radius < Infinity)) return null;
    const pt = this.pt;
    pt[0] = lon;
    pt[1] = lat;
    pt[2] = radius;
    pt[3] = NaN;
    const b = this.regionBoundaries;
    b.nearestPoint(pt);
    const distance = b.distance;
    if (!(distance <= radius) || b.segment < 0) return null;
    const marks = new Uint8Array(this.regions.length);
    b.markWithinPoint(pt, marks);
    const candidates: number[] = [];
    for (let g = 0; g < marks.length; g++) if (marks[g]) candidates.push(g);
    return { region: b.owner[b.segment]!, distance, candidates };
  }

  /** A plain copy of a Location of this index (allocates; for logs, tests and APIs). */
  record(loc: Location): LocationRecord {
    return {
      valid: loc.valid,
      zones: this.zones.filter((_, i) => loc.inside[i]).map((z) => z.id),
      lines: this.lines.map((l, i) => ({
        id: l.id,
        distance: loc.distance[i]!,
        side: sideName(loc.side[i]!),
        party: this.party(i, loc.side[i]!),
        beyondEnd: loc.beyondEnd[i] === 1,
      })),
      region: loc.region >= 0 ? { ...this.regions[loc.region]! } : null,
      altitudeKnown: loc.altitudeKnown,
    };
  }

  /** A plain copy of a Proximity of this index. */
  proximityRecord(pr: Proximity): ProximityRecord {
    const pick = (s: number): string[] => this.zones.filter((_, i) => pr.status[i] === s).map((z) => z.id);
    const certain = this.regions.findIndex((_, i) => pr.regionStatus[i] === INSIDE);
    return {
      valid: pr.valid,
      inside: pick(INSIDE),
      maybe: pick(MAYBE),
      outside: pick(OUTSIDE),
      regions: {
        inside: certain >= 0 ? this.regions[certain]!.code : null,
        maybe: this.regions.filter((_, i) => pr.regionStatus[i] === MAYBE).map((g) => g.code),
      },
      altitudeKnown: pr.altitudeKnown,
    };
  }
}
