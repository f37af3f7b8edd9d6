/**
 * Draws the sixth labelled sample of GED events (docs/operations/replay.md, "How good the rules are"): events of the
 * same source and universe as the fifth (`scripts/draw-activity-sample-5.ts`), none of them in any earlier sample,
 * drawn after the word rules were changed from the fifth sample's errors (9fccde2) and before any of its events was
 * read.
 *
 *   npx tsx scripts/draw-activity-sample-6.ts --slices    # the clusters: which slices of which file to read
 *   npx tsx scripts/draw-activity-sample-6.ts [--out DIR] # the sample to label, from the events read
 *
 * The same cluster design as the fifth: per router file (a stratum), slices of 16,000 characters at seeded random
 * offsets (seed 20256), every event whole inside a slice. A slice that overlaps one of the fifth sample's slices or
 * an earlier slice of this draw is redrawn (so the sample holds new events). More slices of the long-range file than
 * before, so that the missile class has some 40 predictions (the fifth sample found about 5 per slice there), and
 * fewer of the others (time: the events are transcribed and labelled by hand). The draw never runs this project's rules.
 *
 * The events of the slices, in GED's column layout, are `examples/data/ucdp-ged/ucdp-ged-26.1-ukraine-sample-6.csv`;
 * this writes `activity-sample-6.csv` (id, date_start, headlines, empty label and note; sorted by id; nothing of any
 * rule's answer or of the stratum) and `activity-sample-6-draw.csv` (stratum, its size, drawn, weight). Events
 * labelled in an earlier sample are left out. It refuses to overwrite a sample with labels.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseCsv } from '../src/core/ops/index.js';
import { sliceOffsets as fifthOffsets } from './draw-activity-sample-5.js';
/** The router's files at nathanasso-code/Ubik commit af867bd (attack_candidates at 51211b8), with their sizes. */
export const strata = [
  { file: 'long_range_candidates.json', chars: 1_276_501, events: 1_793, slices: 8 },
  { file: 'shelling_review.json', chars: 2_333_628, events: 3_567, slices: 2 },
  { file: 'ground_front.json', chars: 224_693, events: 334, slices: 1 },
  { file: 'ambiguous.json', chars: 18_018_085, events: 31_180, slices: 1 },
  { file: 'attack_candidates.json', chars: 133_094, events: 236, slices: 1 },
] as const;
export const sliceChars = 16_000;
const seed = 20256;

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

/** Slice offsets per file, in the order drawn: none overlaps a fifth-sample slice or an earlier one of this draw. */
export function sliceOffsets(): { file: string; offsets: number[] }[] {
  const random = rng(seed);
  const fifth = new Map(fifthOffsets().map((f) => [f.file, f.offsets]));
  return strata.map((s) => {
    const taken = [...(fifth.get(s.file) ?? [])];
    const offsets: number[] = [];
    while (offsets.length < s.slices) {
      const at = Math.floor(random() * (s.chars - sliceChars));
      if (taken.some((t) => Math.abs(t - at) < sliceChars)) continue;
      taken.push(at);
      offsets.push(at);
    }
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
  'activity-sample-5.csv',
];

function records(path: string): Record<string, string>[] {
  const t = parseCsv(readFileSync(path, 'utf8'));
  return t.rows.map((r) => Object.fromEntries(t.header.map((h, i) => [h, r.fields[i] ?? ''])));
}

function draw(out: string): void {
  const seen = new Set(earlier.flatMap((f) => records(`${dir}/${f}`).map((r) => r['id'])));
  const events = records(`${dir}/ucdp-ged-26.1-ukraine-sample-6.csv`)
    .filter((r) => !seen.has(r['id']))
    .sort((a, b) => Number(a['id']) - Number(b['id']));
  const target = `${out}/activity-sample-6.csv`;
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
    `${out}/activity-sample-6-draw.csv`,
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

if (process.argv[1]?.endsWith('draw-activity-sample-6.ts')) {
  if (process.argv.includes('--slices')) {
    for (const { file, offsets } of sliceOffsets()) process.stdout.write(`${file} ${offsets.join(' ')}\n`);
  } else {
    const at = process.argv.indexOf('--out');
    draw(at > 0 ? (process.argv[at + 1] ?? dir) : dir);
  }
}
