/** `npm start` builds only when a source changed since the last build (`npm install` has just built). */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module script without type declarations
import { staleBecause } from '../scripts/build-if-stale.mjs';

const dir = mkdtempSync(join(tmpdir(), 'guarantor-stale-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const at = (path: string, seconds: number) => utimesSync(join(dir, path), seconds, seconds);

describe('build-if-stale', () => {
  it('builds when there is no build, not after one, and again when a source or the settings change', () => {
    mkdirSync(join(dir, 'src', 'core'), { recursive: true });
    writeFileSync(join(dir, 'src', 'core', 'a.ts'), '');
    writeFileSync(join(dir, 'src', 'core', 'a.test.ts'), '');
    writeFileSync(join(dir, 'package.json'), '{}');
    at('src/core/a.ts', 1_000);
    at('package.json', 1_000);
    expect(staleBecause(dir)).toBe('there is no build yet');
    mkdirSync(join(dir, 'dist', 'cli-bundle'), { recursive: true });
    writeFileSync(join(dir, 'dist', 'cli-bundle', 'main.js'), '');
    at('dist/cli-bundle/main.js', 2_000);
    expect(staleBecause(dir)).toBeUndefined();
    at('src/core/a.test.ts', 3_000); // tests are not built
    expect(staleBecause(dir)).toBeUndefined();
    at('src/core/a.ts', 3_000);
    expect(staleBecause(dir)).toBe('src/core/a.ts changed since the last build');
    at('src/core/a.ts', 1_000);
    at('package.json', 3_000);
    expect(staleBecause(dir)).toBe('package.json changed since the last build');
  });
});
