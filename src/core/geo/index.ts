/** The zone engine's public surface: build an index from plain zone input, locate points, check GeoJSON. */
export { buildZoneIndex, ZoneIndex } from './zone-index.js';
export type { BuildResult, LineInfo, RegionInfo, ZoneInfo, ZoneProblem, ZoneProblemReason } from './zone-index.js';
export { INSIDE, LEFT, Location, MAYBE, ON, OUTSIDE, Proximity, RIGHT, sideName } from './location.js';
export type { LocationRecord, ProximityRecord, SideName, Status } from './location.js';
export type {
  AirspaceZoneInput,
  AreaZoneInput,
  BufferZoneInput,
  CorridorZoneInput,
  LineSides,
  LineZoneInput,
  RegionLayerInput,
  ZoneGeometryInput,
  ZoneInput,
  ZoneKind,
} from './zones.js';
export { validateGeometry } from './validate-geometry.js';
export type { GeometryProblem, GeometryProblemReason, GeometryUse, ValidateOptions } from './validate-geometry.js';
export { distanceMetres, metresPerDegreeLat, metresPerDegreeLon } from './ellipsoid.js';
export { geodesicDistance } from './vincenty.js';
