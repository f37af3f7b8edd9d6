import { define } from '../definition.js';

/** Codes for geometry files named by the package; the shape checks are core/geo's `validateGeometry`. */
const where = 'at {where}';
export const geometryCodes = [
  define('geometry', 1700, 'geometry-unreadable', 'error', 'Cannot read geometry file `{path}`: {reason}', 'Geometry paths are relative to the package file; check the path and that the file is there.'),
  define('geometry', 1701, 'geometry-not-json', 'error', '`{path}` is not JSON: {reason}', 'GeoJSON files are JSON (RFC 7946).'),
  define('geometry', 1702, 'geometry-not-geojson', 'error', `\`{path}\` is not valid GeoJSON ${where}: {detail}`, 'Each feature needs a geometry of a GeoJSON type with numeric [longitude, latitude] positions (RFC 7946).'),
  define('geometry', 1703, 'geometry-wrong-type', 'error', `\`{path}\`, {feature}, cannot serve as a {kind}: {detail}`, 'Lines and corridors take LineString or MultiLineString; areas, airspace and regions take Polygon or MultiPolygon.'),
  define('geometry', 1704, 'geometry-empty', 'error', `\`{path}\`, {feature}, is empty ${where}: {detail}`, 'Remove empty features or give them positions; an empty geometry would silently match nothing.'),
  define('geometry', 1705, 'geometry-not-a-number', 'error', `\`{path}\`, {feature}, has a coordinate that is not a number ${where}: {detail}`, 'Every position is [longitude, latitude] in finite numbers.'),
  define('geometry', 1706, 'geometry-out-of-range', 'error', `\`{path}\`, {feature}, has a position out of range ${where}: {detail}`, 'Longitude runs from -180 to 180 and latitude from -90 to 90, in that order (RFC 7946 puts longitude first).'),
  define('geometry', 1707, 'geometry-too-few-positions', 'error', `\`{path}\`, {feature}, has too few positions ${where}: {detail}`, 'A line needs two distinct positions; a polygon ring needs four, the last repeating the first.'),
  define('geometry', 1708, 'geometry-unclosed-ring', 'error', `\`{path}\`, {feature}, has a ring that is not closed ${where}: {detail}`, 'A polygon ring ends where it starts (RFC 7946 §3.1.6): repeat the first position at the end.'),
  define('geometry', 1709, 'geometry-self-intersection', 'error', `\`{path}\`, {feature}, has a ring that crosses itself ${where}: {detail}`, 'A self-intersecting ring has no well-defined inside, so membership answers would be wrong; fix the ring (e.g. with a GIS "make valid" tool).'),
  define('geometry', 1710, 'geometry-crosses-antimeridian', 'error', `\`{path}\`, {feature}, crosses the antimeridian ${where}: {detail}`, 'Split the geometry at 180° longitude (RFC 7946 §3.1.9).'),
];
