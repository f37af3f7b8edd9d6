// `guarantor check` on the example package and on a 5,000-line package, from the shell (cold start included),
// against `node -e ''` (the floor of any Node command) measured in the same run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = join(process.cwd(), 'bin', 'guarantor.js');

function time(args: string[], runs: number): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
    samples.push(ms);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

/** A large package: the example plus many generated actors, zones, prohibitions, sources and triggers. */
function bigPackage(dir: string, lines: number): string {
  cpSync(join(process.cwd(), 'examples', 'data'), join(dir, 'data'), { recursive: true });
  const base = readFileSync(join(process.cwd(), 'examples', 'ukraine-2026.yaml'), 'utf8');
  const extra: Record<string, string[]> = { actors: [], zones: [], prohibitions: [], verification: [], triggers: [] };
  let n = base.split('\n').length;
  for (let i = 0; n < lines; i++) {
    extra.actors!.push(
      `  X${i}: { name: Extra guarantor ${i}, role: guarantor, elections: [2028-05-0${(i % 9) + 1}] }`,
    );
    extra.zones!.push(`  z${i}:\n    kind: buffer\n    around: contact-line\n    width: ${(i % 90) + 5}km`);
    extra.prohibitions!.push(
      `  p${i}:\n    binds: [UA, RU]\n    activities: [artillery-fire, drone-strike]\n    inside: z${i}`,
    );
    extra.verification!.push(
      `  s${i}: { kind: uav, operator: X${i}, revisit: 2h, latency: 1h, covers: [z${i}], detects: { artillery-fire: 0.7 } }`,
    );
    extra.triggers!.push(
      `  t${i}:\n    on: [p${i}]\n    evidence: { independent-sources: 1, confidence: 0.8 }\n    count: 2\n    within: 24h\n    severity: serious`,
    );
    n += 16;
  }
  let text = base;
  for (const [section, entries] of Object.entries(extra))
    text = text.replace(`\n${section}:\n`, `\n${section}:\n${entries.join('\n')}\n`);
  const file = join(dir, 'big.yaml');
  writeFileSync(file, text);
  return file;
}

const dir = mkdtempSync(join(tmpdir(), 'guarantor-bench-'));
const big = bigPackage(dir, 5000);
const bigLines = readFileSync(big, 'utf8').split('\n').length;
const runs = 9;
const floor = time(['-e', ''], runs);
const example = time([bin, 'check', 'examples/ukraine-2026.yaml'], runs);
const large = time([bin, 'check', big], runs);
console.log(`node -e '' (floor):                   ${floor.toFixed(0)} ms`);
console.log(`check examples/ukraine-2026.yaml:     ${example.toFixed(0)} ms  (target < 300 ms)`);
console.log(`check ${bigLines}-line package:             ${large.toFixed(0)} ms  (target < 1000 ms)`);
console.log(
  JSON.stringify({
    bench: 'check',
    unit: 'ms',
    value: Math.round(example),
    baselines: { 'node-startup': Math.round(floor) },
    ratios: { 'node-startup': +(example / floor).toFixed(2) },
    large_package_ms: Math.round(large),
    large_package_lines: bigLines,
  }),
);
