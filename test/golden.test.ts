// Golden fixtures: each package in test/fixtures/check reports exactly the diagnostics (codes and spans) kept
// beside it in NAME.expected.json. `UPDATE_GOLDEN=1 npx vitest run test/golden.test.ts` rewrites them; review the diff.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPackage } from '../src/core/check.js';
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
