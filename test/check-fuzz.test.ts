// Nothing in the input may crash the loader: random text, random YAML values, and mutations of real packages
// all end in diagnostics or a clean result.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import { checkPackage } from '../src/core/check.js';
import type { GeometryReader } from '../src/core/spec/load.js';

const example = readFileSync('examples/ukraine-2026.yaml', 'utf8');
const minimal = readFileSync('test/fixtures/check/minimal.yaml', 'utf8');
const line = readFileSync('test/fixtures/check/data/line.geojson', 'utf8');
const reader: GeometryReader = (p) =>
  p.endsWith('line.geojson') ? { ok: true, text: line } : { ok: false, reason: 'no such file' };

function assertWellFormed(text: string) {
  const r = checkPackage(text, { file: 'fuzz.yaml', readGeometry: reader });
  for (const d of r.diagnostics) {
    expect(d.code).toMatch(/^G\d{4}$/);
    expect(d.span.start.line).toBeGreaterThanOrEqual(1);
    expect(d.span.start.column).toBeGreaterThanOrEqual(1);
    expect(d.message.length).toBeGreaterThan(0);
  }
  if (r.loaded.model) expect(r.diagnostics.every((d) => d.severity !== 'error')).toBe(true);
}

/** Mutations at the text level: delete, duplicate or swap lines, insert junk, change characters. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), with: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.string({ maxLength: 20 }) }),
  fc.record({
    kind: fc.constant('char' as const),
    at: fc.nat(),
    ch: fc.constantFrom(
      ':',
      '-',
      '[',
      ']',
      '{',
      '}',
      ' ',
      '\t',
      '"',
      "'",
      '&',
      '*',
      '!',
      '#',
      '|',
      '>',
      '%',
      '@',
      '`',
      '\\',
      'x',
      '0',
    ),
  }),
);

type Mutation = { kind: string; at: number; with?: number; text?: string; ch?: string };

function mutate(text: string, ms: Mutation[]): string {
  let lines = text.split('\n');
  for (const m of ms) {
    const i = m.at % Math.max(1, lines.length);
    if (m.kind === 'delete') lines.splice(i, 1);
    else if (m.kind === 'duplicate') lines.splice(i, 0, lines[i] ?? '');
    else if (m.kind === 'swap') {
      const j = (m.with ?? 0) % Math.max(1, lines.length);
      [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
    } else if (m.kind === 'insert') lines.splice(i, 0, m.text ?? '');
    else {
      const flat = lines.join('\n');
      const k = m.at % Math.max(1, flat.length);
      lines = (flat.slice(0, k) + (m.ch ?? '') + flat.slice(k + 1)).split('\n');
    }
  }
  return lines.join('\n');
}

describe('check never crashes', () => {
  it('on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => assertWellFormed(s)),
      { numRuns: 500 },
    );
  });

  it('on arbitrary YAML values', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (v) => assertWellFormed(stringify(v))),
      { numRuns: 400 },
    );
  });

  it('on packages with arbitrary values in real places', () => {
    const base = parseYaml(minimal) as Record<string, unknown>;
    const keys = Object.keys(base);
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.jsonValue({ maxDepth: 3 }), (k, v) =>
        assertWellFormed(stringify({ ...base, [k]: v })),
      ),
      { numRuns: 400 },
    );
  });

  it('on mutated real packages', () => {
    fc.assert(
      fc.property(fc.constantFrom(example, minimal), fc.array(mutation, { minLength: 1, maxLength: 6 }), (text, ms) =>
        assertWellFormed(mutate(text, ms)),
      ),
      { numRuns: 600 },
    );
  });
});
