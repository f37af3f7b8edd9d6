import { define } from '../definition.js';

/** Codes of the `crossings` section (issue 19's ranges: G1200-G1219, G1560-G1579, G1711-G1739). */
export const crossingCodes = [
  define(
    'structure',
    1200,
    'crossing-thresholds',
    'error',
    'Crossing `{crossing}` closes after {close} violations, before it restricts (after {restrict})',
    'Set `close-after` at or above `restrict-after`: a crossing is restricted before it is closed.',
  ),
  define(
    'reference',
    1560,
    'crossing-unknown-zone',
    'error',
    'Crossing `{crossing}` occupies `{ref}`, which is not a declared zone{suggestion}',
    'Name the zone the crossing occupies, declared under `zones`.',
  ),
  define(
    'reference',
    1561,
    'crossing-unknown-authority',
    'error',
    'Crossing `{crossing}` names `{ref}` as its authority, which is not a declared actor{suggestion}',
    "List declared actors under `authority`: only their keys may set the crossing's status.",
  ),
  define(
    'reference',
    1562,
    'crossing-unwatched',
    'warning',
    'No prohibition applies inside `{ref}`, so no violation is ever located at crossing `{crossing}`',
    "Violations carry only the zones their prohibition names under `inside`. Name the zone in a prohibition, or the crossing's status changes only when its authority sets it.",
  ),
  define(
    'geometry',
    1711,
    'crossing-on-line',
    'error',
    'Crossing `{crossing}` occupies `{ref}`, a line: nothing is located inside a line',
    'Give the crossing an area or corridor zone around the checkpoint or route.',
  ),
];
