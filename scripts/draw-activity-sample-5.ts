/**
 * Draws the fifth labelled sample of GED events (docs/operations/replay.md, "How good the rules are"): events the
 * word rules were never written from, from UCDP GED 26.1 and Candidate 26.0.8 for Ukraine from 24 February 2022.
 *
 *   npx tsx scripts/draw-activity-sample-5.ts --slices    # the clusters: which slices of which file to read
 *   npx tsx scripts/draw-activity-sample-5.ts [--out DIR] # the sample to label, from the events read
 *
 * The events come from the compact JSON copies that the public repository nathanasso-code/Ubik keeps of every
 * Ukraine event of those two releases from 2022-02-24 on (37,110 events), split into five files by a keyword router
 * of its own (`scripts/classify_ucdp.py` there; not this project's rules). Those files can be read here only in
 * slices of 16,000 characters, so the sample is a cluster sample: per file (a stratum), slices at seeded random
 * offsets, and every event that starts and ends inside a slice. Strata and their sizes are the router's files, so
 * the draw never runs this project's rules; precision is read off the events the rules put in a class, and recall
 * weights each stratum by its size over the events drawn from it.
 *
 * The events of the slices, in GED's column layout, are `examples/data/ucdp-ged/ucdp-ged-26.1-ukraine-sample-5.csv`
 * (`router_file` says which file each came from). From it this writes `activity-sample-5.csv` (id, date_start,
 * headlines, empty label and note; sorted by id; nothing of any rule's answer or of the stratum) and
 * `activity-sample-5-draw.csv` (each event's stratum, the stratum's size, the events drawn from it, the weight).
 * Events labelled in an earlier sample are left out (they were seen). It refuses to overwrite a sample with labels.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseCsv } from '../src/core/ops/index.js';
/** The router's files at nathanasso-code/Ubik commit af867bd (attack_candidates at 51211b8), with their sizes. */
export const strata = [
  { file: 'long_range_candidates.json', chars: 1_276_501, events: 1_793, slices: 9 },
  { file: 'shelling_review.json', chars: 2_333_628, events: 3_567, slices: 2 },
  { file: 'ground_front.json', chars: 224_693, events: 334, slices: 2 },
  { file: 'ambiguous.json', chars: 18_018_085, events: 31_180, slices: 4 },
  { file: 'attack_candidates.json', chars: 133_094, events: 236, slices: 1 },
] as const;
export const sliceChars = 16_000;
const seed = 20255;

/** mulberry32, as in scripts/draw-activity-sample.ts. */
function rng(s: number): () => number {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Slice offsets per file, in the order drawn; a slice that overlaps an earlier one of its file adds only new events. */
export function sliceOffsets(): { file: string; offsets: number[] }[] {
  const random = rng(seed);
  return strata.map((s) => {
    const offsets: number[] = [];
    for (let i = 0; i < s.slices; i++) offsets.push(Math.floor(random() * (s.chars - sliceChars)));
    return { file: s.file, offsets };
  });
}

const dir = 'examples/data/ucdp-ged';
const earlier = [
  'activity-sample.csv',
  'activity-sample-2.csv',
  'activity-sample-3.csv',
  'activity-sample-4.csv',
  'activity-audit.csv',
];

function records(path: string): Record<string, string>[] {
  const t = parseCsv(readFileSync(path, 'utf8'));
  return t.rows.map((r) => Object.fromEntries(t.header.map((h, i) => [h, r.fields[i] ?? ''])));
}

function draw(out: string): void {
  const seen = new Set(earlier.flatMap((f) => records(`${dir}/${f}`).map((r) => r['id'])));
  const events = records(`${dir}/ucdp-ged-26.1-ukraine-sample-5.csv`)
    .filter((r) => !seen.has(r['id']))
    .sort((a, b) => Number(a['id']) - Number(b['id']));
  const target = `${out}/activity-sample-5.csv`;
  if (existsSync(target) && records(target).some((r) => (r['label'] ?? '') !== '')) {
    process.stderr.write(`${target} holds labels: not overwritten (draw elsewhere with --out DIR)\n`);
    process.exit(1);
  }
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const line = (cells: (string | number)[]) => cells.map((c) => quote(String(c))).join(',') + '\n';
  const field = (r: Record<string, string>, k: string) => r[k] ?? '';
  writeFileSync(
    target,
    line(['id', 'date_start', 'source_headline', 'label', 'note']) +
      events.map((r) => line([field(r, 'id'), field(r, 'date_start'), field(r, 'source_headline'), '', ''])).join(''),
  );
  const drawn = new Map<string, number>();
  for (const r of events) drawn.set(field(r, 'router_file'), (drawn.get(field(r, 'router_file')) ?? 0) + 1);
  const size = new Map<string, number>(strata.map((s) => [s.file, s.events]));
  writeFileSync(
    `${out}/activity-sample-5-draw.csv`,
    line(['id', 'stratum', 'stratum_size', 'drawn', 'weight']) +
      events
        .map((r) => {
          const s = field(r, 'router_file');
          const n = size.get(s);
          const d = drawn.get(s);
          if (n === undefined || d === undefined) throw new Error(`event ${field(r, 'id')}: unknown router file ${s}`);
          return line([field(r, 'id'), s, n, d, (n / d).toFixed(4)]);
        })
        .join(''),
  );
  process.stderr.write(`${events.length} events: ${[...drawn].map(([s, d]) => `${s} ${d}`).join(', ')}\n`);
}

if (process.argv[1]?.endsWith('draw-activity-sample-5.ts')) {
  if (process.argv.includes('--slices')) {
    for (const { file, offsets } of sliceOffsets()) process.stdout.write(`${file} ${offsets.join(' ')}\n`);
  } else {
    const at = process.argv.indexOf('--out');
    draw(at > 0 ? (process.argv[at + 1] ?? dir) : dir);
  }
}
