/** `guarantor explain FILE`: the day-one timeline and the month-twelve view in plain language. */
import type { Command } from 'commander';
import { analyse } from '../core/analysis/analyse.js';
import { bestSingleFix } from '../core/analysis/best-fix.js';
import { lineLengths } from '../core/analysis/line-length.js';
import { scorecardJson, sustainmentJson, timelineJson } from '../core/analysis/analysis-json.js';
import { renderHtml } from '../core/analysis/explain-html.js';
import { renderMarkdown, renderText } from '../core/analysis/narrative.js';
import { renderText as renderDiagnostics } from '../core/diagnostics/render/text.js';
import { loadPackageFile } from '../package-files.js';
import { UsageError } from './usage-error.js';

const formats = ['text', 'markdown', 'html', 'json'] as const;
type Format = (typeof formats)[number];

export function register(program: Command): void {
  program
    .command('explain')
    .description('write the day-one timeline and month-twelve view of a package in plain language')
    .argument('<file>', 'package file (YAML)')
    .option('-f, --format <format>', `output format: ${formats.join(', ')}`, 'text')
    .action((file: string, opts: { format: string }) => {
      if (!formats.includes(opts.format as Format))
        throw new UsageError(`unknown format "${opts.format}"; use one of ${formats.join(', ')}`);
      process.exitCode = runExplain(file, opts.format as Format);
    });
}

export function runExplain(file: string, format: Format): number {
  const loaded = loadPackageFile(file);
  const a = analyse(loaded);
  if (!a || !loaded.model) {
    process.stderr.write(
      renderDiagnostics(loaded.diagnostics, { sources: new Map([[loaded.file, loaded.source.text]]), color: false }),
    );
    process.stderr.write(`guarantor: ${file} does not check; fix the errors above before explaining it\n`);
    return 1;
  }
  const m = loaded.model;
  const best = bestSingleFix(m, { lineLengths: lineLengths(m, loaded.geometries) });
  const fix = best ? { description: best.description, before: best.before, after: best.after } : undefined;
  let out: string;
  switch (format) {
    case 'json':
      out =
        JSON.stringify(
          {
            version: 1,
            file,
            package: m.package,
            scorecard: scorecardJson(a),
            timeline: timelineJson(m, a),
            sustainment: sustainmentJson(a),
            bestFix: fix ?? null,
          },
          null,
          2,
        ) + '\n';
      break;
    case 'markdown':
      out = renderMarkdown(m, a, fix);
      break;
    case 'html':
      out = renderHtml(m, a, fix);
      break;
    default:
      out = renderText(m, a, fix);
  }
  process.stdout.write(out);
  return 0;
}
