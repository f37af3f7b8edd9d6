#!/usr/bin/env node
// Non-null assertions (`x!`) in src/ (tests excluded), found with the TypeScript compiler's own parser (the
// `typescript/unstable/sync` API of TypeScript 7) so that `!==`, `!x` and strings are never miscounted. A `!` tells
// the compiler "trust me" and checks nothing: outside the files listed in `allowed` (measured inner loops,
// docs/architecture.md "Index accesses"), lint fails on one.
//   node scripts/non-null.mjs            check: exit 1 naming each `!` outside the allowlist
//   node scripts/non-null.mjs --count    print the count per file and per folder
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SyntaxKind } from 'typescript/unstable/ast';
import { API } from 'typescript/unstable/sync';

/**
 * Files that may keep `!`, each with the reason and the measured cost of the checked alternative. Only inner loops
 * where a check or `itemAt` costs measurable CPU belong here.
 */
const simCost =
  'itemAt in the engine, detection.ts and the strategies: `simulate examples/ukraine-2026.yaml -n 10000 -w 1 --seed 3` 17.7 s -> 41.0 s CPU (x2.32, ab-cpu, 5 runs each)';
const geoCost =
  "itemAt in all six geo files at once: build the example's zone index 5 times and locate 1,000,000 points near the contact line 2.32 s -> 13.93 s CPU (x6.0, ab-cpu, 7 runs each)";
export const allowed = new Map([
  ['src/core/sim/engine.ts', `the simulation's per-day and per-act loops over typed arrays; ${simCost}`],
  ['src/core/sim/detection.ts', `which sources see each act, once per act in the simulation; ${simCost}`],
  ['src/core/geo/line-index.ts', `distance and side to the lines, per located point; ${geoCost}`],
  ['src/core/geo/polygon-grid.ts', `point in polygon by grid cell, per located point and per built cell; ${geoCost}`],
  ['src/core/geo/zone-index.ts', `the zone engine's locate and build over flat coordinate arrays; ${geoCost}`],
  ['src/core/geo/ellipsoid.ts', `WGS84 distances and projections inside the kernels above; ${geoCost}`],
  ['src/core/geo/features.ts', `coordinate flattening for the kernels; ${geoCost}`],
  [
    'src/server/dashboard/zone-outlines.ts',
    "the dashboard map's distance fields and contours, per grid cell; itemAt there: the example's package map built 5 times 1.13 s -> 1.32 s CPU (x1.17, ab-cpu, 9 runs each)",
  ],
  [
    'src/core/geo/validate-geometry.ts',
    `ring and segment checks over every vertex of a package's geometry at load; ${geoCost}`,
  ],
]);

const posix = (p) => p.split(sep).join('/');

/**
 * Every `!` in the non-test sources of the project at `root` (the files its tsconfig.json compiles):
 * Map(file relative to root -> [{line, text}]), files with none left out.
 */
export function nonNulls(root) {
  const api = new API({ cwd: root });
  try {
    const project = api.updateSnapshot({ openProjects: [resolve(root, 'tsconfig.json')] }).getProjects()[0];
    if (!project) throw new Error(`${root}/tsconfig.json: no project`);
    const out = new Map();
    for (const name of project.program.getSourceFileNames()) {
      const file = posix(relative(root, name));
      if (!file.startsWith('src/') || file.endsWith('.test.ts')) continue;
      const sf = project.program.getSourceFile(name);
      if (!sf) continue;
      const found = [];
      const visit = (node) => {
        if (node.kind === SyntaxKind.NonNullExpression) {
          const text = sf.text.slice(node.pos, node.end);
          const start = node.end - text.trimStart().length;
          found.push({ line: sf.text.slice(0, start).split('\n').length, text: text.trim() });
        }
        node.forEachChild(visit);
      };
      visit(sf);
      if (found.length) out.set(file, found);
    }
    return out;
  } finally {
    api.close();
  }
}

/** The `!` outside the allowlist: [{file, line, text}]. */
export function violations(found, allow = allowed) {
  const out = [];
  for (const [file, list] of found) {
    if (allow.has(file)) continue;
    for (const { line, text } of list) out.push({ file, line, text });
  }
  return out;
}

/** Counts per folder: Map(folder -> n), and the total. */
export function perFolder(found) {
  const folders = new Map();
  let total = 0;
  for (const [file, list] of [...found].sort()) {
    const folder = dirname(file);
    folders.set(folder, (folders.get(folder) ?? 0) + list.length);
    total += list.length;
  }
  return { folders, total };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const found = nonNulls(root);
  if (process.argv.includes('--count')) {
    for (const [file, list] of [...found].sort()) {
      console.log(`${String(list.length).padStart(5)}  ${file}${allowed.has(file) ? '  (allowed)' : ''}`);
    }
    const { folders, total } = perFolder(found);
    console.log('');
    for (const [folder, n] of folders) console.log(`${String(n).padStart(5)}  ${folder}/`);
    console.log(`${String(total).padStart(5)}  total`);
  } else {
    const bad = violations(found);
    for (const v of bad) {
      console.error(
        `${v.file}:${v.line}: non-null assertion \`${v.text}\` checks nothing: use itemAt, a check or a typed structure (docs/architecture.md, "Index accesses")`,
      );
    }
    // exitCode, not exit(): a piped stderr is written asynchronously and exit() would cut the list short.
    if (bad.length) process.exitCode = 1;
    else {
      const n = [...found.values()].reduce((s, l) => s + l.length, 0);
      console.log(`non-null assertions: ${n}, all in the ${allowed.size} allowed hot-loop files`);
    }
  }
}
