// Writes docs/diagnostics/<CODE>.md for every catalogue code, with a real example taken from the golden fixtures
// (the first fixture whose expected output has the code), and docs/diagnostics/README.md as the index.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { catalogue } from '../src/core/diagnostics/catalogue.js';
import { phases } from '../src/core/diagnostics/definition.js';

interface Expected {
  code: string;
  line: number;
  column: number;
  message: string;
}

export function fixtureFiles(root = join('test', 'fixtures')): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.expected.json')) out.push(p);
    }
  };
  if (existsSync(root)) walk(root);
  return out.sort();
}

/** code -> the first fixture (expected file) and entry that shows it. */
export function examplesByCode(): Map<string, { expected: string; entry: Expected }> {
  const map = new Map<string, { expected: string; entry: Expected }>();
  for (const f of fixtureFiles()) {
    const entries = JSON.parse(readFileSync(f, 'utf8')) as Expected[];
    for (const e of entries) if (!map.has(e.code)) map.set(e.code, { expected: f, entry: e });
  }
  return map;
}

function excerpt(file: string, line: number): string {
  if (!existsSync(file)) return '';
  const lines = readFileSync(file, 'utf8').split('\n');
  const from = Math.max(0, line - 3);
  return lines
    .slice(from, line + 1)
    .map((l, i) => `${String(from + i + 1).padStart(4)} | ${l}`)
    .join('\n');
}

export function renderPages(): Map<string, string> {
  const examples = examplesByCode();
  const pages = new Map<string, string>();
  for (const d of catalogue) {
    const ex = examples.get(d.code);
    const lines = [
      `# ${d.code} ${d.name}`,
      '',
      `- Phase: ${phases[d.phase].title}`,
      `- Default severity: ${d.severity}`,
      `- Message: ${d.message.replace(/\{([a-zA-Z]+)\}/g, '<$1>')}`,
      '',
      '## How to fix',
      '',
      d.help.replace(/\{([a-zA-Z]+)\}/g, '<$1>'),
      '',
    ];
    if (ex) {
      const pkg = ex.expected.replace(/\.expected\.json$/, '.yaml');
      lines.push(
        '## Example',
        '',
        `From the fixture \`${relative('.', pkg)}\`:`,
        '',
        '```',
        excerpt(pkg, ex.entry.line),
        '```',
        '',
        '```',
        `${relative('.', pkg).split('/').pop()}:${ex.entry.line}:${ex.entry.column}: ${d.severity} ${d.code}: ${ex.entry.message}`,
        '```',
        '',
      );
    }
    pages.set(d.code, lines.join('\n'));
  }
  const index = [
    '# Diagnostic codes',
    '',
    'Every finding `guarantor check` can report. Codes are stable and never reused; each block of numbers belongs to one phase.',
    '',
  ];
  for (const [phase, info] of Object.entries(phases)) {
    const codes = catalogue.filter((c) => c.phase === phase);
    if (codes.length === 0) continue;
    index.push(
      `## ${info.title} (${info.range[0]}-${info.range[1]})`,
      '',
      '| code | name | severity | message |',
      '|---|---|---|---|',
    );
    for (const c of codes)
      index.push(
        `| [${c.code}](${c.code}.md) | ${c.name} | ${c.severity} | ${c.message.replace(/\|/g, '\\|').replace(/\{([a-zA-Z]+)\}/g, '<$1>')} |`,
      );
    index.push('');
  }
  pages.set('README', index.join('\n'));
  return pages;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  mkdirSync('docs/diagnostics', { recursive: true });
  for (const [name, text] of renderPages()) writeFileSync(join('docs', 'diagnostics', `${name}.md`), text);
  console.log(`wrote ${renderPages().size} pages to docs/diagnostics/`);
}
