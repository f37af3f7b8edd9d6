// Prints docs/validity.md's table: every historical package's scorecard beside its outcome
// (examples/historical/outcomes.json), and the discrimination figure. `npm run validity`.
import { readdirSync, readFileSync } from 'node:fs';
import { analyse } from '../src/core/analysis/index.js';
import { validityMarkdown, validityRow, type Outcome } from '../src/core/analysis/validity.js';
import { loadPackageFile } from '../src/cli/files.js';

export function validityTable(dir = 'examples/historical'): string {
  const outcomes = (JSON.parse(readFileSync(`${dir}/outcomes.json`, 'utf8')) as { outcomes: Record<string, { outcome: Outcome }> }).outcomes;
  const rows = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => {
      const loaded = loadPackageFile(`${dir}/${f}`);
      const a = analyse(loaded);
      if (!a || !loaded.model) throw new Error(`${f} does not check`);
      const o = outcomes[loaded.model.package];
      if (!o) throw new Error(`${f}: no outcome in outcomes.json`);
      return validityRow(loaded.model.package, o.outcome, a.scorecard);
    });
  return validityMarkdown(rows);
}

if (process.argv[1]?.endsWith('validity.ts')) console.log(validityTable());
