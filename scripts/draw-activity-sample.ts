/**
 * Draws the fourth labelled sample of GED events (docs/operations/replay.md, "How good the rules are").
 *
 *   npx tsx scripts/draw-activity-sample.ts [--out DIR]
 *
 * Universe: both GED files' events in no earlier sample and not in the audit (examples/data/ucdp-ged/activity-*.csv).
 * Strata: the class the word rules (as committed before this draw) give each event: every event of a rare class
 * (missile, air, drone, small arms), a seeded draw of 80 predicted artillery events (for precision) and of 140
 * undetermined ones (for what the rules miss). Precision needs a draw among the events a rule assigns to a class;
 * recall needs the rest, weighted by each stratum's size.
 *
 * Writes two files. `activity-sample-4.csv`: id, date_start, headlines and an empty label and note, sorted by id,
 * with nothing of the rules' answer or the stratum, so that the labeller cannot see them. `activity-sample-4-draw.csv`:
 * each drawn event's stratum, the stratum's size and its draw weight, for the measurement (not read while labelling).
 * Reproducible: the same files and seed give the same draw byte for byte (the activity-words test redraws into a
 * temporary directory and compares). It writes into `--out DIR` (default the data directory) and refuses to overwrite
 * a sample file that holds labels.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { itemAt } from '../src/core/item-at.js';
import { parseCsv, ucdpActivity } from '../src/core/ops/index.js';
import { mulberry32 } from '../test/support/mulberry32.js';

const dir = 'examples/data/ucdp-ged';
const outAt = process.argv.indexOf('--out');
const out = outAt > 0 ? process.argv[outAt + 1] : dir;
if (!out) throw new Error('--out needs a directory');
const files = ['ucdp-ged-ukraine-2014-01_to_2022-02.csv', 'ucdp-ged-ukraine-2022-02_to_2023-02.csv'];
const earlier = ['activity-sample.csv', 'activity-sample-2.csv', 'activity-sample-3.csv', 'activity-audit.csv'];
const seed = 20244;
const plan: Record<string, number> = { 'artillery-fire': 80, undetermined: 140 };

function table(file: string): { get: (row: string[], name: string) => string; rows: string[][] } {
  const t = parseCsv(readFileSync(`${dir}/${file}`, 'utf8'));
  return { get: (row, name) => row[t.header.indexOf(name)] ?? '', rows: t.rows.map((r) => r.fields) };
}

const seen = new Set<string>();
for (const f of earlier) {
  const t = table(f);
  for (const r of t.rows) seen.add(t.get(r, 'id'));
}

interface Event {
  id: string;
  day: string;
  headline: string;
  stratum: string;
}
const universe: Event[] = [];
for (const f of files) {
  const t = table(f);
  for (const r of t.rows) {
    const id = t.get(r, 'id');
    if (seen.has(id)) continue;
    const day = t.get(r, 'date_start');
    const headline = t.get(r, 'source_headline');
    universe.push({ id, day, headline, stratum: ucdpActivity(headline, day, t.get(r, 'country')).activity });
  }
}
universe.sort((a, b) => Number(a.id) - Number(b.id));

const random = mulberry32(seed);
const drawn: { e: Event; size: number; weight: number }[] = [];
const report: string[] = [];
for (const stratum of [...new Set(universe.map((e) => e.stratum))].sort()) {
  const pool = universe.filter((e) => e.stratum === stratum);
  const n = Math.min(plan[stratum] ?? pool.length, pool.length);
  // Partial Fisher-Yates: the first n of a seeded shuffle.
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [itemAt(pool, j), itemAt(pool, i)];
  }
  for (const e of pool.slice(0, n)) drawn.push({ e, size: pool.length, weight: pool.length / n });
  report.push(`${stratum} ${pool.length} (drawn ${n})`);
}
drawn.sort((a, b) => Number(a.e.id) - Number(b.e.id));
process.stderr.write(`universe ${universe.length}: ${report.join(', ')}\n`);

if (existsSync(`${out}/activity-sample-4.csv`)) {
  const t = parseCsv(readFileSync(`${out}/activity-sample-4.csv`, 'utf8'));
  const l = t.header.indexOf('label');
  if (t.rows.some((r) => (r.fields[l] ?? '') !== '')) {
    process.stderr.write(
      `${out}/activity-sample-4.csv holds labels: not overwritten (draw elsewhere with --out DIR)\n`,
    );
    process.exit(1);
  }
}
const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const line = (cells: (string | number)[]) => cells.map((c) => quote(String(c))).join(',') + '\n';
writeFileSync(
  `${out}/activity-sample-4.csv`,
  line(['id', 'date_start', 'source_headline', 'label', 'note']) +
    drawn.map(({ e }) => line([e.id, e.day, e.headline, '', ''])).join(''),
);
writeFileSync(
  `${out}/activity-sample-4-draw.csv`,
  line(['id', 'stratum', 'stratum_size', 'weight']) +
    drawn.map(({ e, size, weight }) => line([e.id, e.stratum, size, weight.toFixed(4)])).join(''),
);
