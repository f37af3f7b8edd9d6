/** Compiler-style text: `file:line:col: severity G1234: message`, a code frame, then the help. */
import type { Diagnostic } from '../diagnostic.js';

export interface TextOptions {
  /** Source text per file, for code frames. */
  sources?: ReadonlyMap<string, string>;
  color?: boolean;
}

const paint = (on: boolean, code: string, s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

export function renderText(diagnostics: readonly Diagnostic[], options: TextOptions = {}): string {
  const color = options.color ?? false;
  const lines: string[] = [];
  const splitCache = new Map<string, string[]>();
  const linesOf = (file: string) => {
    let l = splitCache.get(file);
    if (!l) {
      const text = options.sources?.get(file);
      l = text === undefined ? [] : text.split(/\r?\n/);
      splitCache.set(file, l);
    }
    return l;
  };
  for (const d of diagnostics) {
    const sevColor = d.severity === 'error' ? '31;1' : d.severity === 'warning' ? '33;1' : '36;1';
    lines.push(
      `${paint(color, '1', `${d.file}:${d.span.start.line}:${d.span.start.column}`)}: ${paint(color, sevColor, `${d.severity} ${d.code}`)}: ${d.message}`,
    );
    const src = linesOf(d.file);
    const frame = codeFrame(src, d, color);
    if (frame) lines.push(frame);
    for (const r of d.related)
      lines.push(`  ${paint(color, '2', `${r.file}:${r.span.start.line}:${r.span.start.column}`)}: ${r.message}`);
    if (d.help) lines.push(`  ${paint(color, '36', 'help')}: ${d.help}`);
    lines.push('');
  }
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  lines.push(summaryLine(errors, warnings, diagnostics.length - errors - warnings));
  return lines.join('\n') + '\n';
}

export function summaryLine(errors: number, warnings: number, infos: number): string {
  const n = (k: number, w: string) => `${k} ${w}${k === 1 ? '' : 's'}`;
  if (errors + warnings + infos === 0) return 'No problems found.';
  return `${n(errors, 'error')}, ${n(warnings, 'warning')}${infos ? `, ${n(infos, 'note')}` : ''}.`;
}

function codeFrame(src: string[], d: Diagnostic, color: boolean): string | undefined {
  const line = src[d.span.start.line - 1];
  if (line === undefined) return undefined;
  const no = String(d.span.start.line);
  const gutter = ' '.repeat(no.length);
  const start = d.span.start.column;
  const endCol = d.span.end.line === d.span.start.line ? d.span.end.column : line.length + 1;
  const width = Math.max(1, Math.min(endCol, line.length + 1) - start);
  const shown = line.length > 160 ? line.slice(0, 160) + '…' : line;
  const marker = ' '.repeat(Math.max(0, start - 1)) + '^'.repeat(Math.min(width, 160));
  return [
    `  ${gutter} |`,
    `  ${no} | ${shown}`,
    `  ${gutter} | ${paint(color, d.severity === 'error' ? '31' : '33', marker)}`,
  ].join('\n');
}
