#!/usr/bin/env node
// Runs the built CLI over the examples and golden fixtures and prints one sha256 per command: the outputs a
// refactor must leave byte-identical (check, explain, compare, and seeded simulations). Compare two checkouts with
//   node scripts/output-digest.mjs > a.txt   (in each, after `npm run build`)   then   diff a.txt b.txt
// Simulations run on one worker thread with a fixed seed, so their results are a pure function of the code.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'guarantor.js');
const fixtures = readdirSync(join(root, 'test/fixtures/check'))
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => `test/fixtures/check/${f}`);
const historical = readdirSync(join(root, 'examples/historical'))
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => `examples/historical/${f}`);
const packages = ['examples/ukraine-2026.yaml', ...historical];
const sim = ['-n', '400', '--sensitivity-runs', '40', '-w', '1'];

const commands = [
  ...[...packages, ...fixtures].flatMap((p) => [
    ['check', p],
    ['check', '-f', 'json', p],
  ]),
  ...packages.flatMap((p) => [
    ['explain', p],
    ['explain', '-f', 'json', p],
  ]),
  ['compare', ...packages],
  ['check', '-f', 'sarif', 'examples/ukraine-2026.yaml'],
  ['simulate', 'examples/ukraine-2026.yaml', '--seed', '7', '-f', 'json', ...sim],
  ['simulate', 'examples/ukraine-2026.yaml', '--seed', '11', ...sim],
  ...readdirSync(join(root, 'examples/scenarios'))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((s) => [
      'simulate',
      'examples/ukraine-2026.yaml',
      '-s',
      `examples/scenarios/${s}`,
      '--seed',
      '3',
      '-f',
      'json',
      ...sim,
    ]),
  ...historical.map((p) => ['simulate', p, '--seed', '5', '-f', 'json', ...sim]),
];

for (const args of commands) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: root,
    encoding: 'buffer',
    env: { ...process.env, NO_COLOR: '1' },
  });
  const h = createHash('sha256').update(r.stdout).update('\0').update(r.stderr).digest('hex').slice(0, 16);
  console.log(`${h} exit=${r.status} ${args.join(' ')}`);
}
