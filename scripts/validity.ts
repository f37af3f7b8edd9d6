// Prints docs/validity.md's table: every historical package's scorecard beside its outcome (examples/historical/
// outcomes.yaml, which the simulation's calibration reads too), and the discrimination figure; then, as a separate
// table, each package's war baseline (its `context`) and the discrimination of that baseline alone.
// `npm run validity`.
import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { analyse } from '../src/core/analysis/index.js';
import { baselineOf } from '../src/core/analysis/baseline.js';
import { baselineMarkdown, validityMarkdown, validityRow } from '../src/core/analysis/validity.js';
import { outcomesSchema, type Outcomes } from '../src/core/sim/calibration.js';
import { loadPackageFile } from '../src/package-files.js';

/** Every package's outcome: outcomes.yaml, the one file the simulation's calibration also reads. */
export function libraryOutcomes(dir = 'examples/historical'): Outcomes['agreements'] {
  return outcomesSchema.parse(parse(readFileSync(`${dir}/outcomes.yaml`, 'utf8'))).agreements;
}

export function validityTable(dir = 'examples/historical'): string {
  const outcomes = libraryOutcomes(dir);
  const rows = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== 'outcomes.yaml')
    .map((f) => {
      const loaded = loadPackageFile(`${dir}/${f}`);
      const a = analyse(loaded);
      if (!a || !loaded.model) throw new Error(`${f} does not check`);
      const o = outcomes[f];
      if (!o) throw new Error(`${f}: no outcome in outcomes.yaml`);
      return validityRow(loaded.model.package, o.outcome, a.scorecard);
    });
  return validityMarkdown(rows);
}

/** The war's baseline of each package (its `context`), beside the scorecard and never inside it. */
export function baselineTable(dir = 'examples/historical'): string {
  const outcomes = libraryOutcomes(dir);
  const rows = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== 'outcomes.yaml')
    .map((f) => {
      const loaded = loadPackageFile(`${dir}/${f}`);
      const o = outcomes[f];
      if (!loaded.model || !o) throw new Error(`${f} does not check, or has no outcome`);
      const c = loaded.model.context;
      return {
        package: loaded.model.package,
        outcome: o.outcome,
        ending: c?.ending,
        intensity: c?.intensity,
        baseline: baselineOf(c),
      };
    });
  return baselineMarkdown(rows);
}

if (process.argv[1]?.endsWith('validity.ts')) console.log(`${validityTable()}\n\n${baselineTable()}`);
