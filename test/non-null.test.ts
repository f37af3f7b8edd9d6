import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { allowed, nonNulls, violations } from '../scripts/non-null.mjs';

type Found = Map<string, { line: number; text: string }[]>;
type Violation = { file: string; line: number; text: string };

describe('non-null assertions (lint: scripts/non-null.mjs)', () => {
  it('the real project has none outside the allowed hot-loop files, and each allowed file says why', () => {
    const found = nonNulls(resolve('.')) as Found;
    expect(violations(found)).toEqual([]);
    for (const [file, why] of allowed as Map<string, string>) {
      expect(found.has(file), `${file} is allowed but holds no \`!\`: take it off the list`).toBe(true);
      expect(why).toMatch(/ab-cpu|CPU/);
    }
  });

  // A copy of real files in a scratch project: one `!` planted in a file off the list, one in an allowed file, one
  // in a test; `!==`, `!x` and a "!" in a string beside them.
  const root = mkdtempSync(join(tmpdir(), 'guarantor-non-null-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const put = (file: string, text: string) => {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  };
  const itemAt = readFileSync('src/core/item-at.ts', 'utf8');
  const kernel = readFileSync('src/core/geo/line-index.ts', 'utf8');
  put('tsconfig.json', JSON.stringify({ compilerOptions: { strict: true }, include: ['src/**/*.ts'] }));
  put(
    'src/core/item-at.ts',
    `${itemAt}\nexport const planted = (xs: number[]) => (xs[0] !== 1 && !xs.length ? 'x!' : xs[1]!);\n`,
  );
  put('src/core/geo/line-index.ts', `${kernel}\nexport const hot = (xs: number[]) => xs[0]!;\n`);
  put('src/core/x.test.ts', `export const inTest = (xs: number[]) => xs[0]!;\n`);

  it('catches a planted `!` outside the allowlist, with its line, and nothing else', () => {
    const found = nonNulls(root) as Found;
    const v = violations(found) as Violation[];
    expect(v).toEqual([{ file: 'src/core/item-at.ts', line: itemAt.split('\n').length + 1, text: 'xs[1]!' }]);
    // The allowed file's `!` are counted, not reported; the test file is not looked at.
    expect(found.get('src/core/geo/line-index.ts')?.length).toBeGreaterThan(1);
    expect(found.has('src/core/x.test.ts')).toBe(false);
  });
});
