#!/usr/bin/env node
// `npm start`'s prestart: builds only when a source is newer than the build. `npm install` has just built (prepare),
// so the first `npm start` after it starts at once instead of building twice. `--dry-run` prints the verdict only.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The newest file among the build's inputs: the TypeScript sources, the compiler and bundler settings. */
export function newestInput(dir = root) {
  let newest = { path: '', mtime: 0 };
  const consider = (path) => {
    const m = statSync(path).mtimeMs;
    if (m > newest.mtime) newest = { path, mtime: m };
  };
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) consider(p);
    }
  };
  walk(join(dir, 'src'));
  for (const f of ['tsconfig.json', 'package.json', 'scripts/bundle.mjs'])
    if (existsSync(join(dir, f))) consider(join(dir, f));
  return newest;
}

export function staleBecause(dir = root) {
  const out = join(dir, 'dist', 'cli-bundle', 'main.js');
  if (!existsSync(out)) return 'there is no build yet';
  const newest = newestInput(dir);
  return newest.mtime > statSync(out).mtimeMs
    ? `${relative(dir, newest.path)} changed since the last build`
    : undefined;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const why = staleBecause();
  if (process.argv.includes('--dry-run')) {
    console.log(why ? `stale: ${why}` : 'fresh');
  } else if (why) {
    console.log(`guarantor: building (${why})`);
    const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
    process.exit(r.status ?? 1);
  }
}
