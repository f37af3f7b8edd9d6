import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { checkCore, checkFile } from '../scripts/check-boundaries.mjs';

const core = resolve('src/core');
const at = join(core, 'spec', 'x.ts');
type V = { reason: string; line: number };

describe('core purity check', () => {
  it('passes on the real core', () => {
    expect(checkCore(core)).toEqual([]);
  });
  it.each([
    [`import { readFileSync } from 'node:fs';`, 'node:fs'],
    [`import pg from 'pg';`, 'pg'],
    [`import Database from 'better-sqlite3';`, 'better-sqlite3'],
    [`import { createServer } from 'node:http';`, 'node:http'],
    [`import { buildApp } from '../../server/app.js';`, 'outside src/core'],
    [`const u = process.env['DATABASE_URL'];`, 'process.env'],
    [`const t = Date.now();`, 'Date.now'],
    [`const r = Math.random();`, 'Math.random'],
    [`const m = await import('node:net');`, 'node:net'],
  ])('rejects %s', (code, why) => {
    const v = checkFile(at, `// header\n${code}\n`, core) as V[];
    expect(v.length).toBeGreaterThan(0);
    expect(v[0]!.reason).toContain(why);
    expect(v[0]!.line).toBe(2);
  });
  it('allows pure imports and ignores comments', () => {
    const code = `import { z } from 'zod';\nimport { a } from '../geo/a.js';\n// Date.now() in a comment\nimport { createHash } from 'node:crypto';\n`;
    expect(checkFile(at, code, core)).toEqual([]);
  });
});
