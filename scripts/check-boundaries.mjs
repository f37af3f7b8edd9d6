#!/usr/bin/env node
// The layer rules, checked on every `npm run lint` (docs/architecture.md states them):
//   1. src/core is pure: no I/O, ambient time or randomness, and no import outside src/core (its tests included:
//      a core test, and the test helpers it imports, reach no src/ file outside src/core).
//   2. No import circle anywhere in src/ (type-only imports count: they are structure too).
//   3. No arrow back up a layer: core < shared edge modules < store < server < composition root (src/main.ts) < cli. The server never
//      imports the CLI; nothing but the CLI imports it.
//   4. Only the composition root picks concrete store adapters (src/store/sqlite, src/store/postgres, src/store/open.ts),
//      and the CLI commands in `adapterImporters` that open a store of their own (see there why).
//   5. Outside src/core, operations are imported from src/core/ops/index.ts only, never from a file inside.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Packages the core may import: pure computation only. */
export const allowedPackages = new Set(['yaml', 'zod', 'node:crypto']);

const forbiddenCalls = [
  [/\bprocess\.env\b/, 'reads process.env'],
  [/\bDate\.now\s*\(/, 'reads the clock (Date.now); take a Clock'],
  [/\bnew Date\s*\(\s*\)/, 'reads the clock (new Date()); take a Clock'],
  [/\bMath\.random\s*\(/, 'uses Math.random; take an Rng'],
  [/\bperformance\.now\s*\(/, 'reads the clock (performance.now)'],
  [/\bprocess\.(argv|exit|stdout|stderr|cwd)\b/, 'touches the process'],
];

/**
 * Files outside the composition root that may import a concrete store adapter, and why. Each is a CLI command that
 * works on a database without a server: it opens the store the operator names, like `serve` hands it to main.ts.
 */
export const adapterImporters = new Map([
  ['src/cli/serve.ts', 'describes the --db value in its help and errors (store/open.ts describeDb)'],
  ['src/cli/apikey.ts', 'issues and revokes API keys directly in the database, with no server running'],
  ['src/cli/export.ts', '`export --db` writes records straight from the database, with no server running'],
  ['src/cli/report.ts', '`report --db` renders the daily report straight from the database, with no server running'],
  [
    'src/cli/log-rotate.ts',
    '`log rotate-key` logs the handover to a new log key in the database, with or without a server',
  ],
  [
    'src/cli/log-audit-source.ts',
    '`log audit` reads the transparency log tables directly, to audit a server it does not trust',
  ],
]);

// `import x, { a, type B } from '…'`, `export * as n from '…'`, `import('…')`, `import '…'`; the clause cannot hold a
// quote or run across another statement, so a match starts at its own keyword.
const importRe =
  /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[\w$]+\s*,\s*)?(?:\{[^}'"]*\}|\*(?:\s+as\s+[\w$]+)?|[\w$]+)\s*from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

function stripComments(src) {
  return src.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' ')).replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

/** Every import in a file: [{spec, line}]. */
export function importsOf(text) {
  const src = stripComments(text);
  const out = [];
  for (const m of src.matchAll(importRe)) {
    const spec = m[1] ?? m[2] ?? m[3];
    const at = m.index + (m[0].length - m[0].trimStart().length);
    out.push({ spec, line: src.slice(0, at).split('\n').length });
  }
  return out;
}

/** Violations of core purity in one core file: [{file, line, reason}]. */
export function checkFile(file, text, coreDir) {
  const out = [];
  const src = stripComments(text);
  const lineOf = (idx) => src.slice(0, idx).split('\n').length;
  for (const { spec, line } of importsOf(text)) {
    if (spec.startsWith('.')) {
      const target = resolve(dirname(file), spec);
      const rel = relative(coreDir, target);
      if (rel.startsWith('..')) out.push({ file, line, reason: `imports ${spec}, outside src/core` });
    } else {
      const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
      if (!allowedPackages.has(pkg))
        out.push({
          file,
          line,
          reason: `imports ${spec}; the core may import only ${[...allowedPackages].join(', ')}`,
        });
    }
  }
  for (const [re, reason] of forbiddenCalls) {
    const g = new RegExp(re.source, 'g');
    for (const m of src.matchAll(g)) out.push({ file, line: lineOf(m.index), reason });
  }
  return out;
}

function* walk(dir, tests) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p, tests);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') && (tests || !e.name.endsWith('.test.ts'))) yield p;
  }
}

export function checkCore(coreDir) {
  const out = [];
  for (const f of walk(coreDir, false)) out.push(...checkFile(f, readFileSync(f, 'utf8'), coreDir));
  return out;
}

const posix = (p) => p.split(sep).join('/');

/**
 * The import graph of a project: `files` maps a path relative to `root` (posix) to its text. Edges go to the
 * relative imports that resolve to another file in `files` (`x.js` names `x.ts`). Returns Map(file -> [{to, line, spec}]).
 */
export function importGraph(files) {
  const graph = new Map();
  for (const [file, text] of files) {
    const edges = [];
    for (const { spec, line } of importsOf(text)) {
      if (!spec.startsWith('.')) continue;
      const to = posix(join(dirname(file), spec)).replace(/\.js$/, '.ts');
      const target = files.has(to) ? to : files.has(`${to}/index.ts`) ? `${to}/index.ts` : undefined;
      if (target) edges.push({ to: target, line, spec });
    }
    graph.set(file, edges);
  }
  return graph;
}

/** The import circles among the graph's files (strongly connected components of two or more, or a self-import), each sorted. */
export function findCycles(graph, include = () => true) {
  let next = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const cycles = [];
  const succ = (v) => (graph.get(v) ?? []).map((e) => e.to).filter((w) => include(w));
  // Iterative Tarjan: the graph has a few hundred files, but recursion depth should not depend on the code.
  for (const root of graph.keys()) {
    if (!include(root) || index.has(root)) continue;
    const work = [[root, 0]];
    index.set(root, next);
    low.set(root, next++);
    stack.push(root);
    onStack.add(root);
    while (work.length) {
      const frame = work[work.length - 1];
      const [v, i] = frame;
      const ws = succ(v);
      if (i < ws.length) {
        frame[1]++;
        const w = ws[i];
        if (!index.has(w)) {
          index.set(w, next);
          low.set(w, next++);
          stack.push(w);
          onStack.add(w);
          work.push([w, 0]);
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
        continue;
      }
      work.pop();
      if (work.length) {
        const u = work[work.length - 1][0];
        low.set(u, Math.min(low.get(u), low.get(v)));
      }
      if (low.get(v) === index.get(v)) {
        const scc = [];
        let w;
        do {
          w = stack.pop();
          onStack.delete(w);
          scc.push(w);
        } while (w !== v);
        if (scc.length > 1 || succ(v).includes(v)) cycles.push(scc.sort());
      }
    }
  }
  return cycles;
}

/**
 * Edge modules any outer layer may use, which import only the core: the package-file adapter, the log key file, the
 * input error, the tool's version, the worker-thread starter.
 */
export const sharedModules = new Set([
  'src/package-files.ts',
  'src/log-key-file.ts',
  'src/input-error.ts',
  'src/version.ts',
  'src/worker-thread.ts',
]);

/** The layer a project file belongs to (posix path relative to the root). */
export function layerOf(file) {
  if (file.startsWith('src/core/')) return 'core';
  if (sharedModules.has(file)) return 'shared';
  if (file.startsWith('src/store/')) return 'store';
  if (file.startsWith('src/server/')) return 'server';
  if (file.startsWith('src/cli/')) return 'cli';
  if (file.startsWith('src/')) return 'root';
  return 'outside';
}

const rank = { core: 0, shared: 1, store: 2, server: 3, root: 4, cli: 5 };
const isAdapter = (f) =>
  f.startsWith('src/store/sqlite/') || f.startsWith('src/store/postgres/') || f === 'src/store/open.ts';
const isTest = (f) => f.endsWith('.test.ts');

/** Layer violations in an import graph: [{file, line, reason}]. */
export function checkLayers(graph) {
  const out = [];
  for (const [file, edges] of graph) {
    const from = layerOf(file);
    for (const { to, line, spec } of edges) {
      const layer = layerOf(to);
      if (from === 'outside') {
        if (to.startsWith('src/core/ops/') && to !== 'src/core/ops/index.ts') {
          out.push({
            file,
            line,
            reason: `imports ${spec}: outside src/core, import operations from core/ops/index.js`,
          });
        }
        continue;
      }
      if (from === 'core' && layer !== 'core' && layer !== 'outside') {
        out.push({ file, line, reason: `imports ${spec}: the core imports no outer layer (${layer})` });
        continue;
      }
      if (layer === 'cli' && from !== 'cli') {
        out.push({
          file,
          line,
          reason: `imports ${spec}: ${from === 'server' ? 'the server never imports the CLI' : 'only the CLI imports the CLI'}`,
        });
        continue;
      }
      if (layer !== 'outside' && from !== 'core' && rank[layer] > rank[from] && !isTest(file)) {
        out.push({ file, line, reason: `imports ${spec}: an arrow back up, from ${from} to ${layer}` });
        continue;
      }
      if (isAdapter(to) && from !== 'store' && file !== 'src/main.ts' && !adapterImporters.has(file) && !isTest(file)) {
        out.push({
          file,
          line,
          reason: `imports ${spec}: only the composition root (src/main.ts) picks a concrete store adapter`,
        });
        continue;
      }
      if (from !== 'core' && to.startsWith('src/core/ops/') && to !== 'src/core/ops/index.ts') {
        out.push({ file, line, reason: `imports ${spec}: outside src/core, import operations from core/ops/index.js` });
      }
    }
  }
  // A core test reaches no outer layer through the test helpers it imports either.
  for (const [file, edges] of graph) {
    if (layerOf(file) !== 'core') continue;
    for (const first of edges) {
      if (layerOf(first.to) !== 'outside') continue;
      const seen = new Set([first.to]);
      const todo = [first.to];
      while (todo.length) {
        const f = todo.pop();
        for (const { to } of graph.get(f) ?? []) {
          if (layerOf(to) !== 'outside' && layerOf(to) !== 'core') {
            out.push({
              file,
              line: first.line,
              reason: `imports ${first.spec}, which reaches ${to}: the core imports no outer layer, tests included`,
            });
            todo.length = 0;
            break;
          }
          if (!seen.has(to) && layerOf(to) === 'outside') {
            seen.add(to);
            todo.push(to);
          }
        }
      }
    }
  }
  return out;
}

/** Every project file the rules look at: src/, test/, bench/ and scripts/ TypeScript, with its text. */
export function projectFiles(root) {
  const files = new Map();
  for (const dir of ['src', 'test', 'bench', 'scripts']) {
    if (!existsSync(join(root, dir))) continue;
    for (const f of walk(join(root, dir), true)) files.set(posix(relative(root, f)), readFileSync(f, 'utf8'));
  }
  return files;
}

/** All problems in a project: core purity, circles in src/, layer rules. */
export function checkProject(root) {
  const problems = checkCore(join(root, 'src', 'core')).map((p) => ({
    ...p,
    file: posix(relative(root, p.file)),
    rule: 'core purity',
  }));
  const graph = importGraph(projectFiles(root));
  for (const c of findCycles(graph, (f) => f.startsWith('src/') && !isTest(f))) {
    problems.push({ file: c[0], line: 1, rule: 'import circle', reason: `${c.join(' -> ')} import each other` });
  }
  for (const p of checkLayers(graph)) problems.push({ ...p, rule: 'layers' });
  return problems;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const problems = checkProject(root);
  for (const p of problems) console.error(`${p.file}:${p.line}: ${p.rule}: ${p.reason}`);
  if (problems.length) {
    console.error(`${problems.length} boundary violation(s): see docs/architecture.md for the layer rules.`);
    process.exit(1);
  }
  console.log('boundaries: core pure, no import circle, no arrow back up a layer');
}
