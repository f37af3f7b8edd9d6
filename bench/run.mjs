#!/usr/bin/env node
// `npm run bench` runs every benchmark; `npm run bench -- NAME` runs bench/NAME.ts. Each prints its figures and
// ends with one JSON line whose baselines were measured in the same run.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const all = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .map((f) => f.slice(0, -3))
  .sort();
const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = names.filter((n) => !all.includes(n));
if (unknown.length) {
  console.error(`unknown benchmark ${unknown.join(', ')}; have ${all.join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const name of names.length ? names : all) {
  console.log(`\n== bench ${name} ==`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, `${name}.ts`)], {
    stdio: 'inherit',
    cwd: join(here, '..'),
  });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
