#!/usr/bin/env node
// Compare one command's CPU time (user + system, the command and its children) in two checkouts, runs alternated
// A B B A ... so that a load that changes during the comparison weighs on both sides alike. CPU time, not wall
// time, because a shared machine's queueing inflates wall time but hardly the CPU a process burns.
//   node scripts/ab-cpu.mjs --a ../before --b . --runs 7 -- node bin/guarantor.js simulate examples/ukraine-2026.yaml -n 2000 -w 1 --seed 3
// Both checkouts must be built (`npm run build`). Prints each side's median and the ratio B / A.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const argv = process.argv.slice(2);
const sep = argv.indexOf('--');
if (sep < 0) {
  console.error('usage: ab-cpu.mjs --a DIR --b DIR [--runs N] -- COMMAND...');
  process.exit(2);
}
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 && i < sep ? argv[i + 1] : dflt;
};
const dirs = { a: resolve(opt('--a')), b: resolve(opt('--b', '.')) };
const runs = Number(opt('--runs', 7));
const command = argv.slice(sep + 1);
const quoted = command.map((w) => `'${w.replaceAll("'", `'\\''`)}'`).join(' ');

/** CPU seconds of one run: bash's `times` prints the children's user and system time on its second line. */
function cpu(dir) {
  const r = spawnSync('bash', ['-c', `cd '${dir}' && ${quoted} > /dev/null 2>&1; echo "rc=$?"; times`], {
    encoding: 'utf8',
  });
  const [rc, , children] = r.stdout.trim().split('\n');
  if (rc !== 'rc=0') throw new Error(`${dir}: ${command.join(' ')} exited ${rc}`);
  const secs = (t) => {
    const m = /^(\d+)m([\d.]+)s$/.exec(t);
    return Number(m[1]) * 60 + Number(m[2]);
  };
  const [user, sys] = children.split(/\s+/);
  return secs(user) + secs(sys);
}

const samples = { a: [], b: [] };
for (let i = 0; i < runs; i++) {
  for (const side of i % 2 ? ['b', 'a'] : ['a', 'b']) samples[side].push(cpu(dirs[side]));
}
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const a = median(samples.a);
const b = median(samples.b);
console.log(`A ${dirs.a}: median ${a.toFixed(3)} s CPU (${samples.a.map((x) => x.toFixed(2)).join(' ')})`);
console.log(`B ${dirs.b}: median ${b.toFixed(3)} s CPU (${samples.b.map((x) => x.toFixed(2)).join(' ')})`);
console.log(`B / A = ${(b / a).toFixed(3)}`);
