/** `guarantor compare A.yaml B.yaml ...`: scorecards, first-response times and each package's best single fix. */
import type { Command } from 'commander';
import { analyse } from '../core/analysis/analyse.js';
import {
  comparisonJson,
  comparisonRow,
  renderComparisonMarkdown,
  renderComparisonText,
  type ComparisonRow,
} from '../core/analysis/compare.js';
import { lineLengths } from '../core/analysis/line-length.js';
import { loadPackageFile } from '../package-files.js';
import { UsageError } from './usage-error.js';

const formats = ['text', 'markdown', 'json'] as const;
type Format = (typeof formats)[number];

export function register(program: Command): void {
  program
    .command('compare')
    .description('compare packages: scorecards, first material response, and the single change that helps each most')
    .argument('<files...>', 'package files (YAML)')
    .option('-f, --format <format>', `output format: ${formats.join(', ')}`, 'text')
    .action((files: string[], opts: { format: string }) => {
      if (!formats.includes(opts.format as Format))
        throw new UsageError(`unknown format "${opts.format}"; use one of ${formats.join(', ')}`);
      process.exitCode = runCompare(files, opts.format as Format);
    });
}

export function runCompare(files: string[], format: Format): number {
  const rows: ComparisonRow[] = [];
  let failed = 0;
  for (const file of files) {
    const loaded = loadPackageFile(file);
    const a = analyse(loaded);
    if (!a || !loaded.model) {
      const errors = loaded.diagnostics.filter((d) => d.severity === 'error').length;
      process.stderr.write(
        `guarantor: ${file} does not check (${errors} error${errors === 1 ? '' : 's'}; run guarantor check ${file}); left out\n`,
      );
      failed++;
      continue;
    }
    rows.push(comparisonRow(file, loaded.model, a, { lineLengths: lineLengths(loaded.model, loaded.geometries) }));
  }
  const out =
    format === 'json'
      ? JSON.stringify({ version: 1, packages: comparisonJson(rows) }, null, 2) + '\n'
      : format === 'markdown'
        ? renderComparisonMarkdown(rows)
        : renderComparisonText(rows);
  process.stdout.write(out);
  return failed ? 1 : 0;
}
