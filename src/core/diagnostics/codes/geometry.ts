import { define } from '../definition.js';

/** Codes for geometry files named by the package. */
export const geometryCodes = [
  define('geometry', 1700, 'geometry-unreadable', 'error', 'Cannot read geometry file `{path}`: {reason}', 'Geometry paths are relative to the package file; check the path and that the file is there.'),
  define('geometry', 1701, 'geometry-not-json', 'error', '`{path}` is not JSON: {reason}', 'GeoJSON files are JSON (RFC 7946).'),
  define('geometry', 1702, 'geometry-not-geojson', 'error', '`{path}` is not valid GeoJSON at {where}: {reason}', 'Each feature needs a geometry of a GeoJSON type with numeric [longitude, latitude] positions (RFC 7946).'),
  define('geometry', 1703, 'geometry-wrong-type', 'error', '`{path}` holds {actual}, but a {kind} needs {expected}', 'Lines and corridors take LineString or MultiLineString; areas take Polygon or MultiPolygon.'),
];
