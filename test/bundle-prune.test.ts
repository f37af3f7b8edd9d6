/** `scripts/bundle.mjs` removes the chunks earlier builds left in dist/cli-bundle, and nothing outside it. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module script without type declarations
import { pruneStale } from '../scripts/bundle.mjs';

const root = mkdtempSync(join(tmpdir(), 'guarantor-bundle-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('bundle: stale output', () => {
  it("keeps this build's files, removes every other entry of the bundle's folder, and touches nothing beside it", () => {
    const out = join(root, 'dist', 'cli-bundle');
    mkdirSync(join(out, 'old-folder'), { recursive: true });
    for (const f of ['main.js', 'main.js.map', 'check-NEW.js', 'check-OLD.js', 'check-OLD.js.map', 'old-folder/x.js'])
      writeFileSync(join(out, f), '');
    writeFileSync(join(root, 'dist', 'main.js'), ''); // tsc's output beside the bundle
    pruneStale(out, ['dist/cli-bundle/main.js', 'dist/cli-bundle/main.js.map', 'dist/cli-bundle/check-NEW.js'], root);
    expect(readdirSync(out).sort()).toEqual(['check-NEW.js', 'main.js', 'main.js.map']);
    expect(existsSync(join(root, 'dist', 'main.js'))).toBe(true);
  });

  it('refuses outputs outside the folder, removing nothing', () => {
    const out = join(root, 'dist', 'cli-bundle');
    writeFileSync(join(out, 'stale.js'), '');
    expect(() => pruneStale(out, ['dist/cli-bundle/main.js', 'dist/main.js'], root)).toThrow(/outside/);
    expect(existsSync(join(out, 'stale.js'))).toBe(true);
  });
});
