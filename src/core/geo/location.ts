/**
 * The answers of the zone index. One `Location` and one `Proximity` object belong to each index and are
 * overwritten by every query, so that a query allocates nothing: read what you need, or copy it (`toRecord`,
 * `copyFrom`), before the next query on the same index.
 */
import { LEFT, ON, RIGHT } from './line-index.js';

export { LEFT, ON, RIGHT };

/** locateWithin status of a zone or region for a disc. */
export const OUTSIDE = 0;
export const MAYBE = 1;
export const INSIDE = 2;
export type Status = typeof OUTSIDE | typeof MAYBE | typeof INSIDE;

export type SideName = 'left' | 'right' | 'on';

export function sideName(side: number): SideName {
  return side === LEFT ? 'left' : side === RIGHT ? 'right' : 'on';
}

/** Where a point is. Arrays are indexed like `ZoneIndex.zones`, `ZoneIndex.lines`, `ZoneIndex.regions`. */
export class Location {
  /** False when the point was not a finite longitude in ±180 and latitude in ±90; then nothing else is set. */
  valid = false;
  /** Per zone: 1 when the zone contains the point. */
  readonly inside: Uint8Array;
  /** Per line (line and corridor zones): metres to the nearest point of the line. */
  readonly distance: Float64Array;
  /** Per line: LEFT (-1), RIGHT (1) or ON (0), relative to the line's direction. */
  readonly side: Int8Array;
  /** Per line: 1 when the nearest point is an end of the line, so the point lies beyond it. */
  readonly beyondEnd: Uint8Array;
  /** Per line: index of the nearest segment. */
  readonly segment: Int32Array;
  /** Index into `ZoneIndex.regions`, or -1 outside every region. */
  region = -1;
  /** False when no altitude was given: airspace zones then answer for their footprint alone. */
  altitudeKnown = false;

  constructor(zones: number, lines: number) {
    this.inside = new Uint8Array(zones);
    this.distance = new Float64Array(lines);
    this.side = new Int8Array(lines);
    this.beyondEnd = new Uint8Array(lines);
    this.segment = new Int32Array(lines);
  }

  /** Copies another location of the same index into this one (for callers that keep answers). */
  copyFrom(o: Location): void {
    this.valid = o.valid;
    this.inside.set(o.inside);
    this.distance.set(o.distance);
    this.side.set(o.side);
    this.beyondEnd.set(o.beyondEnd);
    this.segment.set(o.segment);
    this.region = o.region;
    this.altitudeKnown = o.altitudeKnown;
  }
}

/** Where a disc (an uncertain location) may be. */
export class Proximity {
  valid = false;
  /** Per zone: OUTSIDE (the disc touches none of it), MAYBE, or INSIDE (the whole disc is in it). */
  readonly status: Uint8Array;
  /** Per region: OUTSIDE, MAYBE or INSIDE. */
  readonly regionStatus: Uint8Array;
  /** Per line: metres from the disc's centre to the line. */
  readonly distance: Float64Array;
  altitudeKnown = false;

  constructor(zones: number, lines: number, regions: number) {
    this.status = new Uint8Array(zones);
    this.regionStatus = new Uint8Array(regions);
    this.distance = new Float64Array(lines);
  }
}

/** A plain, self-contained copy of a Location, for logs, tests and APIs. */
export interface LocationRecord {
  valid: boolean;
  zones: string[];
  lines: { id: string; distance: number; side: SideName; party: string | null; beyondEnd: boolean }[];
  region: { code: string; name: string } | null;
  altitudeKnown: boolean;
}

/** A plain copy of a Proximity. */
export interface ProximityRecord {
  valid: boolean;
  inside: string[];
  maybe: string[];
  outside: string[];
  regions: { inside: string | null; maybe: string[] };
  altitudeKnown: boolean;
}
