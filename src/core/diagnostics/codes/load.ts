import { define } from '../definition.js';

/** Codes of the loading phases: syntax, structure, references. */
export const loadCodes = [
  define('syntax', 1000, 'yaml-syntax', 'error', 'YAML syntax error: {detail}', 'Fix the YAML so it parses; the position points at where the parser gave up.'),
  define('syntax', 1001, 'duplicate-key', 'error', '`{key}` is declared more than once', 'Ids and field names must be unique in their mapping; rename or merge the two entries.'),
  define('syntax', 1002, 'not-a-package', 'error', 'The file is {actual}, not a package', 'A package is a YAML mapping with `package`, `title`, `effective`, `horizon`, `actors` and the other sections at the top level.'),

  define('structure', 1100, 'unknown-field', 'error', 'Unknown field `{field}`{suggestion}', 'A misspelt clause would silently vanish, so unknown fields are errors. See docs/language.md for the fields of this section.'),
  define('structure', 1101, 'missing-field', 'error', 'Missing required field `{field}`', 'Add the field; nothing is silently defaulted in a guarantee.'),
  define('structure', 1102, 'wrong-type', 'error', '`{field}` should be {expected}, not {actual}', 'Write the value in the form the field takes (see docs/language.md).'),
  define('structure', 1103, 'unknown-value', 'error', '`{value}` is not a known {what}{suggestion}', 'Use one of: {options}.'),
  define('structure', 1104, 'bad-unit', 'error', '{reason}', 'Durations are written 30m, 6h, 2d, 18mo; distances 15km; money 9e9 EUR; dates 2026-06-01 or 2026-06-01T00:00Z.'),
  define('structure', 1105, 'out-of-range', 'error', '`{field}` {reason}', 'Bring the value into range.'),
  define('structure', 1106, 'bad-id', 'error', '`{value}` is not a valid id', 'An id starts with a letter and holds letters, digits, "-", "_" or ".".'),
  define('structure', 1107, 'amount-or-quantity', 'error', '`{clause}` needs exactly one of `amount` or `quantity`', 'State money as `amount: 9e9 EUR` or materiel as `quantity: 600`, not both and not neither.'),
  define('structure', 1108, 'zone-needs-geometry', 'error', 'Zone `{zone}` has no geometry: {reason}', 'An area takes `geometry` (a GeoJSON file) or `regions` (region codes); an airspace takes `over` (a zone) or `geometry`.'),
  define('structure', 1109, 'dates-out-of-order', 'error', '`{field}` ({value}) is not after {other}', 'An end must come after its start.'),
  define('structure', 1110, 'bad-structure', 'error', '`{field}` is not valid: {reason}', 'See docs/language.md for the form this field takes.'),

  define('reference', 1500, 'unknown-actor', 'error', '`{ref}` is not a declared actor{suggestion}', 'Declare the actor under `actors`, or use a declared id or a group ({groups}).'),
  define('reference', 1501, 'unknown-zone', 'error', '`{ref}` is not a declared zone{suggestion}', 'Declare the zone under `zones`, or use a declared id.'),
  define('reference', 1502, 'unknown-prohibition', 'error', '`{ref}` is not a declared prohibition{suggestion}', 'Declare it under `prohibitions`, or use a declared id.'),
  define('reference', 1503, 'unknown-severity', 'error', '`{ref}` is not a declared severity{suggestion}', 'List every severity under `severities`, least to most serious.'),
  define('reference', 1504, 'unknown-requirement', 'error', '`{ref}` is not a declared sustainment requirement{suggestion}', 'A commitment provides a category declared under `sustainment.requirements`.'),
  define('reference', 1505, 'wrong-zone-kind', 'error', '`{ref}` is {kind} zone, but `{field}` needs {expected}', 'Point at a zone of the right kind.'),
  define('reference', 1506, 'unknown-region', 'error', '`{ref}` is not a region code in {file}{suggestion}', 'Use a code from the regions layer (property `{property}`).'),
  define('reference', 1507, 'regions-not-declared', 'error', 'Zone `{zone}` names regions, but the package has no `regions` layer', 'Declare `regions: { geometry: data/regions.geojson }` at the top level.'),
  define('reference', 1508, 'duplicate-severity', 'error', 'Severity `{ref}` is listed twice', 'List each severity once.'),
  define('reference', 1509, 'self-reference', 'error', 'Zone `{zone}` is defined in terms of itself', 'A buffer surrounds a line; an airspace lies over another zone.'),
];
