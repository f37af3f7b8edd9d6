#!/usr/bin/env node
// Fails when src/core reaches for I/O, ambient time or randomness, or anything outside src/core.
// The core is pure: time, randomness, storage and signing reach it as parameters.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
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

const importRe = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

function stripComments(src) {
  return src.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' ')).replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

/** Violations in one core file: [{file, line, reason}]. */
export function checkFile(file, text, coreDir) {
  const out = [];
  const src = stripComments(text);
  const lineOf = (idx) => src.slice(0, idx).split('\n').length;
  for (const m of src.matchAll(importRe)) {
    const spec = m[1] ?? m[2] ?? m[3];
    const line = lineOf(m.index + (m[0].length - m[0].trimStart().length));
    if (spec.startsWith('.')) {
      const target = resolve(dirname(file), spec);
      const rel = relative(coreDir, target);
      if (rel.startsWith('..')) out.push({ file, line, reason: `imports ${spec}, outside src/core` });
    } else {
      const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
      if (!allowedPackages.has(pkg)) out.push({ file, line, reason: `imports ${spec}; the core may import only ${[...allowedPackages].join(', ')}` });
    }
  }
  for (const [re, reason] of forbiddenCalls) {
    const g = new RegExp(re.source, 'g');
    for (const m of src.matchAll(g)) out.push({ file, line: lineOf(m.index), reason });
  }
  return out;
}

function* walk(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) yield p;
  }
}

export function checkCore(coreDir) {
  const out = [];
  for (const f of walk(coreDir)) out.push(...checkFile(f, readFileSync(f, 'utf8'), coreDir));
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const problems = checkCore(join(root, 'src', 'core'));
  for (const p of problems) console.error(`${relative(root, p.file)}:${p.line}: core purity: ${p.reason}`);
  if (problems.length) {
    console.error(`${problems.length} boundary violation(s): src/core must stay pure.`);
    process.exit(1);
  }
  console.log('core boundaries: clean');
}
