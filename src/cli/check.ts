import { Option, type Command } from 'commander';
import * as z from 'zod';
import { compareDiagnostics, hasErrors, type Diagnostic } from '../core/diagnostics/diagnostic.js';
import { diagnosticToJson } from '../core/diagnostics/render/json.js';
import { renderMarkdown } from '../core/diagnostics/render/markdown.js';
import { renderSarif } from '../core/diagnostics/render/sarif.js';
import { renderText } from '../core/diagnostics/render/text.js';
import type { Scorecard } from '../core/analysis/scorecard.js';
import { checkPackage } from '../core/check.js';
import { geometryReaderFor, readText } from '../package-files.js';
import { UsageError } from './usage-error.js';
import { toolVersion } from '../version.js';

// A check parses each package once: zod's compiled object parsers (generated with `new Function` on first use) cost
// more to build than they save on one parse. Same results; about 3% of the command's instructions (callgrind).
z.config({ jitless: true });

const formats = ['text', 'json', 'sarif', 'markdown'] as const;
type Format = (typeof formats)[number];

export function register(program: Command): void {
  program
    .command('check')
    .description('validate and analyse guarantee packages; exit 1 on errors (or warnings with --strict)')
    .argument('<files...>', 'package files (YAML)')
    .option('-f, --format <format>', `output format: ${formats.join(', ')}`, 'text')
    .option('--strict', 'treat warnings as errors', false)
    .addOption(
      new Option(
        '--docs-url <url>',
        "sarif: the absolute URL of the diagnostic pages (docs/diagnostics/) for each rule's helpUri; default: this installation's own copy (file://)",
      ).env('GUARANTOR_DOCS_URL'),
    )
    .action(async (files: string[], opts: { format: string; strict: boolean; docsUrl?: string }) => {
      if (!formats.includes(opts.format as Format))
        throw new UsageError(`unknown format "${opts.format}"; use one of ${formats.join(', ')}`);
      process.exitCode = await runCheck(files, opts.format as Format, opts.strict, opts.docsUrl);
    });
}

/** The diagnostic pages shipped with this installation (src/cli and dist/cli-bundle sit at the same depth). */
export const localDocsUrl = new URL('../../docs/diagnostics/', import.meta.url).href;

/** `--docs-url` as a directory URL: absolute (SARIF requires it), ending in `/` so pages resolve inside it. */
export function docsBase(url: string | undefined): string {
  if (url === undefined) return localDocsUrl;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(
      `--docs-url must be an absolute URL, e.g. https://example.org/guarantor/docs/diagnostics/; got "${url}"`,
    );
  }
  return u.href.endsWith('/') ? u.href : `${u.href}/`;
}

export async function runCheck(files: string[], format: Format, strict: boolean, docsUrl?: string): Promise<number> {
  const helpBase = docsBase(docsUrl);
  const results = files.map((f) => checkPackage(readText(f), { file: f, readGeometry: geometryReaderFor(f) }));
  const loaded = results.map((r) => r.loaded);
  const diagnostics: Diagnostic[] = results.flatMap((r) => r.diagnostics).sort(compareDiagnostics);
  const failed = hasErrors(diagnostics, strict);
  let out: string;
  switch (format) {
    case 'json': {
      // Loaded only for JSON: the timeline's plain-language moments are not needed for the other formats.
      const { scorecardJson, timelineJson } = await import('../core/analysis/analysis-json.js');
      const errors = diagnostics.filter((d) => d.severity === 'error').length;
      const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
      const only = results.length === 1 ? results[0] : undefined;
      out =
        JSON.stringify(
          {
            version: 1,
            tool: { name: 'guarantor', version: toolVersion },
            ok: !failed,
            summary: { errors, warnings, infos: diagnostics.length - errors - warnings },
            diagnostics: diagnostics.map(diagnosticToJson),
            packages: results.map((r) => ({
              file: r.loaded.file,
              package: r.loaded.model?.package ?? null,
              valid: r.loaded.model !== undefined,
              scorecard: r.analysis ? scorecardJson(r.analysis) : null,
              timeline: r.analysis && r.loaded.model ? timelineJson(r.loaded.model, r.analysis) : null,
            })),
            ...(only?.analysis && only.loaded.model
              ? {
                  scorecard: scorecardJson(only.analysis),
                  timeline: timelineJson(only.loaded.model, only.analysis),
                }
              : {}),
          },
          null,
          2,
        ) + '\n';
      break;
    }
    case 'sarif':
      out = renderSarif(diagnostics, toolVersion, helpBase);
      break;
    case 'markdown':
      out = renderMarkdown(diagnostics);
      break;
    default:
      out = renderText(diagnostics, {
        sources: new Map(loaded.map((l) => [l.file, l.source.text])),
        color: process.stdout.isTTY === true && !process.env['NO_COLOR'],
      });
      for (const r of results) if (r.analysis) out += scoreLine(r.loaded.file, r.analysis.scorecard);
  }
  process.stdout.write(out);
  return failed ? 1 : 0;
}

function scoreLine(file: string, s: Scorecard): string {
  const dims = Object.entries(s.dimensions)
    .map(([d, v]) => `${d} ${v.score}`)
    .join(', ');
  return `${file}: credibility ${s.overall}/100 (${dims}); weakest: ${s.weakest}. \`guarantor explain ${file}\` shows the timeline.\n`;
}
