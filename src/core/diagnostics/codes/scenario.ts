import { define } from '../definition.js';

/** Codes for simulation scenario files (`guarantor simulate --scenario`), located like a package's. */
export const scenarioCodes = [
  define('scenario', 3000, 'scenario-syntax', 'error', 'YAML syntax error in the scenario: {detail}', 'Fix the YAML so it parses; the position points at where the parser gave up.'),
  define('scenario', 3001, 'scenario-duplicate-key', 'error', '`{key}` is declared more than once in the scenario', 'Keys must be unique in their mapping; remove or merge the two entries.'),
  define('scenario', 3002, 'not-a-scenario', 'error', 'The file is {actual}, not a scenario', 'A scenario is a YAML mapping with `strategies`, and optionally `adversary`, `runs`, `seed`, `model` and `sensitivity` (see docs/simulation.md).'),
  define('scenario', 3003, 'scenario-unknown-field', 'error', 'Unknown field `{field}` in the scenario{suggestion}', 'A misspelt parameter would silently keep its default, so unknown fields are errors. docs/simulation.md lists every field and model parameter.'),
  define('scenario', 3004, 'scenario-wrong-type', 'error', '`{field}` should be {expected}, not {actual}', 'Write the value in the form the field takes (docs/simulation.md).'),
  define('scenario', 3005, 'scenario-bad-value', 'error', '`{field}` is not valid: {reason}', 'Bring the value into the form and range docs/simulation.md gives for it.'),
  define('scenario', 3006, 'unknown-strategy', 'error', '`{value}` is not a strategy{suggestion}', 'Use one of: {options}.'),
  define('scenario', 3007, 'unknown-adversary', 'error', '`{value}` is not an actor of package `{package}`{suggestion}', 'Name the party that plays the adversary, by its id under `actors` in the package.'),
  define('scenario', 3008, 'adversary-not-party', 'warning', '`{value}` (a {role}) is bound by no prohibition of the package: it has nothing to violate, so every run holds', 'The adversary is an actor the package binds, opposed to the protected side; name one that a prohibition `binds`.'),
  define('scenario', 3009, 'duplicate-strategy', 'warning', 'Strategy `{label}` is listed twice with the same options', 'Each listed strategy is simulated separately; remove the repeat, or give the two different options.'),
  define('scenario', 3010, 'strategy-after-horizon', 'warning', '`{field}` starts the {strategy} offensive in month {month}, after the package horizon of {horizon} months', 'The strategy will behave as if compliant; choose a month inside the horizon.'),
  define('scenario', 3011, 'no-adversary', 'error', 'Package `{package}` binds no actor by a prohibition, so no actor can play the adversary', 'Give the package a prohibition that `binds` the side it guards against, or name the adversary in a scenario (`adversary: ID`).'),
  define('scenario', 3012, 'unknown-sensitivity-item', 'error', '`{value}` is not a sensitivity item{suggestion}', 'Use one of: {options}.'),
  define('scenario', 3013, 'scenario-missing-field', 'error', 'Missing required field `{field}`', 'Add the field (docs/simulation.md).'),
  define('scenario', 3040, 'adversary-protected', 'warning', '`{value}` is the only side the guarantee protects: the responses that protect it are not set off by its own violations', 'Playing the protected side as the violator is a stress test of the other side; no response answers it unless the package protects another side too.'),
  define('scenario', 3041, 'adversary-by-default', 'warning', 'The package does not say which of {candidates} is opposed to the protected side ({protected}); `{adversary}` plays the adversary by default', 'Name the adversary in a scenario (`adversary: ID`), or give the line between them its `sides`; every figure of this run rests on the choice.'),
];
