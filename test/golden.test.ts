// Golden fixtures: each package in test/fixtures/check reports exactly the diagnostics (codes and spans) kept
// beside it in NAME.expected.json. `UPDATE_GOLDEN=1 npx vitest run test/golden.test.ts` rewrites them; review the diff.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPackage } from '../src/core/check.js';
import { catalogue } from '../src/core/diagnostics/catalogue.js';
import { geometryReaderFor } from '../src/package-files.js';

export const fixtureDir = join('test', 'fixtures', 'check');
const names = readdirSync(fixtureDir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

export function runFixture(name: string) {
  const file = join(fixtureDir, name);
  const { diagnostics } = checkPackage(readFileSync(file, 'utf8'), {
    file: name,
    readGeometry: geometryReaderFor(file),
  });
  return diagnostics.map((d) => ({
    code: d.code,
    line: d.span.start.line,
    column: d.span.start.column,
    endLine: d.span.end.line,
    endColumn: d.span.end.column,
    message: d.message,
  }));
}

describe('golden fixtures', () => {
  it('has fixtures', () => expect(names.length).toBeGreaterThan(10));
  for (const name of names) {
    it(name, () => {
      const actual = runFixture(name);
      const expectedFile = join(fixtureDir, name.replace(/\.yaml$/, '.expected.json'));
      if (process.env['UPDATE_GOLDEN'] || !existsSync(expectedFile))
        writeFileSync(expectedFile, JSON.stringify(actual, null, 2) + '\n');
      expect(actual).toEqual(JSON.parse(readFileSync(expectedFile, 'utf8')));
    });
  }
});

describe('every diagnostic code has a golden fixture', () => {
  // The check fixtures here and the scenario fixtures (src/core/sim/scenario.test.ts) between them report every code.
  it('is reported by some NAME.expected.json under test/fixtures/check or test/fixtures/scenario', () => {
    const reported = new Set<string>();
    for (const dir of [fixtureDir, join('test', 'fixtures', 'scenario')])
      for (const f of readdirSync(dir).filter((x) => x.endsWith('.expected.json')))
        for (const d of JSON.parse(readFileSync(join(dir, f), 'utf8')) as { code: string }[]) reported.add(d.code);
    expect(catalogue.map((d) => d.code).filter((c) => !reported.has(c))).toEqual([]);
  });
});
