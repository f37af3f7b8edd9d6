import type { Diagnostic } from '../diagnostic.js';
import { summaryLine } from './text.js';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A Markdown table of findings, for review comments and reports. */
export function renderMarkdown(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  const out = [`**${summaryLine(errors, warnings, diagnostics.length - errors - warnings)}**`, ''];
  if (diagnostics.length === 0) return out.join('\n') + '\n';
  out.push('| location | severity | code | finding | help |', '|---|---|---|---|---|');
  for (const d of diagnostics) {
    out.push(
      `| \`${cell(d.file)}:${d.span.start.line}:${d.span.start.column}\` | ${d.severity} | [${d.code}](docs/diagnostics/${d.code}.md) | ${cell(d.message)} | ${cell(d.help)} |`,
    );
  }
  return out.join('\n') + '\n';
}
