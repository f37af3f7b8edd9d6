// The live month-twelve view over a large ledger (issue 17): 36 months, 30 guarantors, 6 requirements, 100,000
// records (3,000 pledges, revisions and withdrawals among them, and 97,000 deliveries). The server keeps a
// LedgerIndex folded record by record, so a coverage request costs the view alone (target: under 100 ms); the
// baseline is what a peer without the index does: fold all 100,000 records again, then compute the same view.
// Also: folding in a new batch of 500 records, and deriving the decay alerts.
import { loadPackage } from '../src/core/spec/load.js';
import type { Package } from '../src/core/spec/schema.js';
import { deriveAlerts } from '../src/core/ledger/alerts.js';
import type { LedgerRecord } from '../src/core/ledger/record.js';
import { LedgerIndex } from '../src/core/ledger/state.js';
import { coverageReport, liveSustainment } from '../src/core/ledger/view.js';

const guarantors = Array.from({ length: 30 }, (_, i) => `G${String(i + 1).padStart(2, '0')}`);
const requirements = ['financing', 'reconstruction', 'energy', 'interceptors', 'artillery', 'demining'];
const yaml = `package: bench-ledger
title: Ledger benchmark
effective: 2026-01-01T00:00Z
horizon: 36mo
actors:
  A: { name: Party A, role: party }
${guarantors.map((g, i) => `  ${g}: { name: Guarantor ${g}, role: guarantor${i % 3 === 0 ? ', elections: [2027-11-01]' : ''} }`).join('\n')}
sustainment:
  requirements:
    financing: { amount: 40e9 EUR, per: year }
    reconstruction: { amount: 20e9 EUR, per: year }
    energy: { amount: 6e9 EUR, per: year, stock: 2mo }
    interceptors: { quantity: 2400, per: year, stock: 6mo }
    artillery: { quantity: 600000, per: year, stock: 3mo }
    demining: { quantity: 1200, per: year }
assumptions: { currency: EUR, fx: { USD: 0.92 EUR, GBP: 1.17 EUR } }
`;
const loaded = loadPackage(yaml, { file: 'bench.yaml', readGeometry: () => ({ ok: false, reason: 'none' }) as never });
const pkg = loaded.model as Package;
if (!pkg) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));

// A deterministic generator (no Math.random: the same ledger every run).
let seed = 42;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const records: LedgerRecord[] = [];
let seq = 0;
const meta = () => ({ seq: ++seq, recordedAt: 0, submittedBy: 'bench' });
const pledges: { id: string; by: string; req: string; money: boolean }[] = [];
const forms = ['treaty', 'appropriation-law', 'executive', 'political'] as const;
for (let i = 0; i < 2600; i++) {
  const by = guarantors[i % 30]!;
  const req = requirements[Math.floor(rand() * requirements.length)]!;
  const money = ['financing', 'reconstruction', 'energy'].includes(req);
  const from = `2026-${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}`;
  const id = `p${i}`;
  records.push({
    type: 'pledge',
    id,
    by,
    requirement: req,
    ...(money
      ? { amount: Math.round(rand() * 2e9), currency: i % 5 === 0 ? 'USD' : 'EUR' }
      : { quantity: Math.round(rand() * 20000) }),
    per: rand() < 0.1 ? 'once' : 'year',
    from,
    ...(rand() < 0.5 ? { until: `2028-${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}` } : {}),
    form: forms[i % 4]!,
    ...(rand() < 0.3 ? { leadTime: `${1 + Math.floor(rand() * 12)}mo` } : {}),
    ...meta(),
  });
  pledges.push({ id, by, req, money });
}
// 300 revisions and 100 withdrawals.
for (let i = 0; i < 300; i++) {
  const p = pledges[i * 7]!;
  const r = records.find((x) => x.id === p.id)!;
  if (r.type !== 'pledge') continue;
  records.push({ ...r, id: `rev${i}`, from: '2027-06', supersedes: p.id, ...meta() });
}
for (let i = 0; i < 100; i++) {
  const p = pledges[i * 11 + 3]!;
  records.push({
    type: 'withdrawal',
    id: `w${i}`,
    by: p.by,
    withdraws: p.id,
    requirement: p.req,
    from: '2027-09',
    ...meta(),
  });
}
while (records.length < 100_000) {
  const p = pledges[Math.floor(rand() * pledges.length)]!;
  const day = Math.floor(rand() * 33 * 30);
  records.push({
    type: 'delivery',
    id: `d${records.length}`,
    by: p.by,
    pledge: p.id,
    requirement: p.req,
    ...(p.money ? { amount: Math.round(rand() * 1e8), currency: 'EUR' } : { quantity: Math.round(rand() * 500) }),
    delivered: new Date(Date.UTC(2026, 0, 1) + day * 86_400_000).toISOString().slice(0, 10),
    ...meta(),
  });
}
const now = Date.UTC(2028, 8, 15);
const last = records.slice(-500);
const before = records.slice(0, -500);

/** Median wall time (ms) of `runs` runs; the median CPU time of this thread's process goes to `cpu` (a shared
 * machine stretches wall time, not CPU time). */
const cpu: Record<string, number> = {};
function median(f: () => void, runs: number, name?: string): number {
  const xs: number[] = [];
  const cs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    f();
    xs.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const c = process.cpuUsage(c0);
    cs.push((c.user + c.system) / 1000);
  }
  xs.sort((a, b) => a - b);
  cs.sort((a, b) => a - b);
  if (name) cpu[name] = cs[Math.floor(cs.length / 2)]!;
  return xs[Math.floor(xs.length / 2)]!;
}

const index = new LedgerIndex(pkg);
index.add(records);
let months = 0;
const view = median(
  () => {
    const r = coverageReport(liveSustainment(pkg, index, now));
    months = r.requirements.reduce((n, x) => n + x.months.length, 0);
  },
  21,
  'view',
);
const incrementalOnly: number[] = [];
for (let i = 0; i < 5; i++) {
  const ix = new LedgerIndex(pkg);
  ix.add(before);
  const t0 = process.hrtime.bigint();
  ix.add(last);
  coverageReport(liveSustainment(pkg, ix, now));
  incrementalOnly.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
const baseline = median(
  () => {
    const ix = new LedgerIndex(pkg);
    ix.add(records);
    coverageReport(liveSustainment(pkg, ix, now));
  },
  7,
  'baseline',
);
let alertCount = 0;
const alerts = median(
  () => {
    alertCount = deriveAlerts(pkg, index, liveSustainment(pkg, index, now), now).length;
  },
  11,
  'alerts',
);
incrementalOnly.sort((a, b) => a - b);
const inc = incrementalOnly[Math.floor(incrementalOnly.length / 2)] ?? NaN;

console.log(
  `ledger: ${records.length.toLocaleString('en-GB')} records (2,600 pledges, 300 revisions, 100 withdrawals, ${(records.length - 3000).toLocaleString('en-GB')} deliveries), 30 guarantors, 6 requirements, 36 months`,
);
console.log(
  `coverage view from the folded index:       ${view.toFixed(2)} ms (${months} requirement-months)  target < 100 ms`,
);
console.log(`fold in a batch of 500 records + view:     ${inc.toFixed(2)} ms`);
console.log(`decay alerts (view + derivation):          ${alerts.toFixed(2)} ms (${alertCount} holding)`);
console.log(`baseline, fold all 100,000 then the view:  ${baseline.toFixed(2)} ms`);
console.log(
  `CPU time (median): view ${cpu['view']!.toFixed(1)} ms, alerts ${cpu['alerts']!.toFixed(1)} ms, baseline ${cpu['baseline']!.toFixed(1)} ms (wall time on a loaded machine is longer)`,
);
console.log(
  JSON.stringify({
    bench: 'ledger',
    unit: 'ms',
    value: Number(view.toFixed(3)),
    baselines: { recomputeFromAllRecords: Number(baseline.toFixed(3)) },
    ratios: { recomputeFromAllRecords: Number((baseline / view).toFixed(1)) },
    extra: {
      batchOf500PlusView: Number(inc.toFixed(3)),
      alerts: Number(alerts.toFixed(3)),
      cpuView: cpu['view'],
      cpuBaseline: cpu['baseline'],
      target: 100,
    },
  }),
);
