import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { checkCore, checkFile, checkLayers, checkProject } from '../scripts/check-boundaries.mjs';
// @ts-expect-error plain ESM script without types
import { findCycles, importGraph, projectFiles } from '../scripts/check-boundaries.mjs';

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

// The rest of the rules work on the whole project's import graph: each test plants one violation in the real
// project (in memory) and checks that exactly that one is caught.

type Problem = { file: string; line: number; reason: string; rule?: string };
const project = projectFiles(resolve('.')) as Map<string, string>;
const srcOnly = (f: string) => f.startsWith('src/') && !f.endsWith('.test.ts');
const planted = (files: Record<string, string>) => {
  const copy = new Map(project);
  for (const [f, text] of Object.entries(files)) copy.set(f, (copy.get(f) ?? '') + text);
  return importGraph(copy);
};

describe('import circles and layers', () => {
  it('the real project has no circle and breaks no layer rule', () => {
    expect(findCycles(importGraph(project), srcOnly)).toEqual([]);
    expect(checkLayers(importGraph(project))).toEqual([]);
    expect(checkProject(resolve('.'))).toEqual([]);
  });
  it('catches a planted circle', () => {
    const g = planted({ 'src/core/ops/incident.ts': `\nimport { fuse } from './fusion.js';\n` });
    const cycles = findCycles(g, srcOnly) as string[][];
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toContain('src/core/ops/incident.ts');
    expect(cycles[0]).toContain('src/core/ops/fusion.ts');
  });
  it('catches a planted circle through a type-only import and an index', () => {
    const g = planted({ 'src/core/ops/observation.ts': `\nimport type { OpsModel } from './index.js';\n` });
    expect((findCycles(g, srcOnly) as string[][]).flat()).toContain('src/core/ops/index.ts');
  });
  it.each([
    ['src/server/app.ts', `import { UsageError } from '../cli/usage-error.js';`, 'the server never imports the CLI'],
    ['src/server/routes/health.ts', `import { main } from '../../cli/main.js';`, 'the server never imports the CLI'],
    ['src/main.ts', `import { UsageError } from './cli/usage-error.js';`, 'only the CLI imports the CLI'],
    [
      'src/server/casework.ts',
      `import { SqliteCaseworkStore } from '../store/sqlite/casework-store.js';`,
      'only the composition root',
    ],
    [
      'src/server/app.ts',
      `import type { PostgresStore } from '../store/postgres/postgres-store.js';`,
      'only the composition root',
    ],
    ['src/cli/check.ts', `import { openStore } from '../store/open.js';`, 'only the composition root'],
    ['src/store/columns.ts', `import { buildApp } from '../server/app.js';`, 'an arrow back up, from store to server'],
    ['src/server/app.ts', `import { serve } from '../main.js';`, 'an arrow back up, from server to root'],
    ['src/package-files.ts', `import { openStore } from './store/open.js';`, 'an arrow back up, from shared to store'],
    ['src/core/check.ts', `import { loadPackageFile } from '../package-files.js';`, 'the core imports no outer layer'],
    [
      'src/core/sim/engine.test.ts',
      `import { buildApp } from '../../server/app.js';`,
      'the core imports no outer layer (server)',
    ],
    [
      'src/core/sim/engine.test.ts',
      `import { examplePackage } from '../../../test/support/app.js';`,
      'which reaches src/',
    ],
    ['src/server/app.ts', `import { fuse } from '../core/ops/fusion.js';`, 'import operations from core/ops/index.js'],
    [
      'test/golden.test.ts',
      `import type { Incident } from '../src/core/ops/incident.js';`,
      'import operations from core/ops/index.js',
    ],
  ])('in %s, catches %s', (file, line, why) => {
    const before = project.get(file) ?? '';
    const v = (checkLayers(planted({ [file]: `\n${line}\n` })) as Problem[]).filter((p) => p.file === file);
    expect(v).toHaveLength(1);
    expect(v[0]!.reason).toContain(why);
    expect(v[0]!.line).toBe(before.split('\n').length + 1);
  });
  it('lets the composition root and the documented CLI commands open a store', () => {
    const g = planted({
      'src/main.ts': `\nimport { SqliteStore } from './store/sqlite/sqlite-store.js';\n`,
      'src/cli/apikey.ts': `\nimport { PostgresStore } from '../store/postgres/postgres-store.js';\n`,
    });
    expect(checkLayers(g)).toEqual([]);
  });
});
