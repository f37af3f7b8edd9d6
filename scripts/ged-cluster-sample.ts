/**
 * The cluster draw shared by the labelled samples of UCDP GED 26.1 events read from the router files of
 * nathanasso-code/Ubik (docs/operations/replay.md, "How good the rules are"; `scripts/draw-activity-sample-5.ts`
 * and after): seeded slice offsets per router file (a stratum), and, from the events read in those slices, the
 * unlabelled sample and its design file.
 *
 * The files can be read here only in slices of 16,000 characters, so each sample is a cluster sample: per file,
 * slices at seeded random offsets, and every event that starts and ends inside a slice. The draw never runs this
 * project's rules: strata and their sizes are the router's files.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseCsv } from '../src/core/ops/index.js';
import { mulberry32 } from '../test/support/mulberry32.js';

export interface Stratum {
  file: string;
  /** The file's length in characters, as the code index reads it. */
  chars: number;
  /** The file's events. */
  events: number;
  slices: number;
}

export interface SliceDesign {
  strata: readonly Stratum[];
  seed: number;
  /**
   * Slices of earlier samples: a new slice that overlaps one of them, or an earlier slice of this draw, is redrawn.
   * Absent: nothing is redrawn (the fifth sample's design, where an overlapping slice adds only new events).
   */
  avoid?: readonly SliceOffsets[];
}

export interface SliceOffsets {
  file: string;
  offsets: number[];
}

export const sliceChars = 16_000;
export const gedDir = 'examples/data/ucdp-ged';

/** The router's files at nathanasso-code/Ubik commit af867bd (attack_candidates at 51211b8), with their sizes, in the order every design draws them (the order fixes the seeded offsets). */
const routerFiles: readonly Omit<Stratum, 'slices'>[] = [
  { file: 'long_range_candidates.json', chars: 1_276_501, events: 1_793 },
  { file: 'shelling_review.json', chars: 2_333_628, events: 3_567 },
  { file: 'ground_front.json', chars: 224_693, events: 334 },
  { file: 'ambiguous.json', chars: 18_018_085, events: 31_180 },
  { file: 'attack_candidates.json', chars: 133_094, events: 236 },
];

/** A design's strata: every router file, with the given number of slices of each (in the files' order). */
export function routerStrata(slices: readonly number[]): Stratum[] {
  if (slices.length !== routerFiles.length) throw new Error(`one slice count per router file (${routerFiles.length})`);
  return routerFiles.map((f, i) => ({ ...f, slices: slices[i]! }));
}

/** The label files of every sample before cluster sample `n` (the first four and the audit, then samples 5 to n-1). */
export function labelledBefore(n: number): string[] {
  const clusters = Array.from({ length: n - 5 }, (_, i) => `activity-sample-${i + 5}.csv`);
  return [
    'activity-sample.csv',
    'activity-sample-2.csv',
    'activity-sample-3.csv',
    'activity-sample-4.csv',
    'activity-audit.csv',
    ...clusters,
  ];
}

/** Slice offsets per file, in the order drawn. */
export function sliceOffsets(design: SliceDesign): SliceOffsets[] {
  const random = mulberry32(design.seed);
  const avoid = design.avoid;
  return design.strata.map((s) => {
    const offsets: number[] = [];
    if (!avoid) {
      for (let i = 0; i < s.slices; i++) offsets.push(Math.floor(random() * (s.chars - sliceChars)));
      return { file: s.file, offsets };
    }
    const taken = avoid.filter((a) => a.file === s.file).flatMap((a) => a.offsets);
    while (offsets.length < s.slices) {
      const at = Math.floor(random() * (s.chars - sliceChars));
      if (taken.some((t) => Math.abs(t - at) < sliceChars)) continue;
      taken.push(at);
      offsets.push(at);
    }
    return { file: s.file, offsets };
  });
}

/** Every row of a CSV file as a record by column name. */
export function records(path: string): Record<string, string>[] {
  const t = parseCsv(readFileSync(path, 'utf8'));
  return t.rows.map((r) => Object.fromEntries(t.header.map((h, i) => [h, r.fields[i] ?? ''])));
}

/**
 * From `ucdp-ged-26.1-ukraine-sample-N.csv` (the events of the slices, `router_file` naming each one's file), writes
 * into `out` the sample to label, `activity-sample-N.csv` (id, date_start, headlines, empty label and note; sorted
 * by id; nothing of any rule's answer or of the stratum), and its design, `activity-sample-N-draw.csv` (each
 * event's stratum, the stratum's size, the events drawn from it, the weight). Events of the `earlier` samples are
 * left out (they were seen). Refuses to overwrite a sample that holds labels. With `unlabelled`, the sample is
 * `activity-sample-N-unlabelled.csv` with id, date_start and headlines only, for a labeller to copy and label.
 */
export function drawSample(
  n: number,
  strata: readonly Stratum[],
  earlier: readonly string[],
  out: string,
  unlabelled = false,
): void {
  const seen = new Set(earlier.flatMap((f) => records(`${gedDir}/${f}`).map((r) => r['id'])));
  const events = records(`${gedDir}/ucdp-ged-26.1-ukraine-sample-${n}.csv`)
    .filter((r) => !seen.has(r['id']))
    .sort((a, b) => Number(a['id']) - Number(b['id']));
  const target = `${out}/activity-sample-${n}${unlabelled ? '-unlabelled' : ''}.csv`;
  if (existsSync(target) && records(target).some((r) => (r['label'] ?? '') !== '')) {
    process.stderr.write(`${target} holds labels: not overwritten (draw elsewhere with --out DIR)\n`);
    process.exit(1);
  }
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const line = (cells: (string | number)[]) => cells.map((c) => quote(String(c))).join(',') + '\n';
  const field = (r: Record<string, string>, k: string) => r[k] ?? '';
  const text = (r: Record<string, string>) => [field(r, 'id'), field(r, 'date_start'), field(r, 'source_headline')];
  writeFileSync(
    target,
    unlabelled
      ? line(['id', 'date_start', 'source_headline']) + events.map((r) => line(text(r))).join('')
      : line(['id', 'date_start', 'source_headline', 'label', 'note']) +
          events.map((r) => line([...text(r), '', ''])).join(''),
  );
  const drawn = new Map<string, number>();
  for (const r of events) drawn.set(field(r, 'router_file'), (drawn.get(field(r, 'router_file')) ?? 0) + 1);
  const size = new Map<string, number>(strata.map((s) => [s.file, s.events]));
  writeFileSync(
    `${out}/activity-sample-${n}-draw.csv`,
    line(['id', 'stratum', 'stratum_size', 'drawn', 'weight']) +
      events
        .map((r) => {
          const s = field(r, 'router_file');
          const count = size.get(s);
          const d = drawn.get(s);
          if (count === undefined || d === undefined)
            throw new Error(`event ${field(r, 'id')}: unknown router file ${s}`);
          return line([field(r, 'id'), s, count, d, (count / d).toFixed(4)]);
        })
        .join(''),
  );
  process.stderr.write(`${events.length} events: ${[...drawn].map(([s, d]) => `${s} ${d}`).join(', ')}\n`);
}

/**
 * The design as a CSV file (one row per slice: the stratum's file and commit, its size, the slice's offsets), so that
 * it can be committed before any event of the slices is read.
 */
export function designCsv(design: SliceDesign, commits: Record<string, string>): string {
  const rows = sliceOffsets(design).flatMap(({ file, offsets }) => {
    const s = design.strata.find((x) => x.file === file);
    if (!s) throw new Error(`no stratum ${file}`);
    return offsets.map((at, i) => [file, commits[file] ?? '', s.chars, s.events, s.slices, i + 1, at, at + sliceChars]);
  });
  const head = ['stratum', 'commit', 'stratum_chars', 'stratum_events', 'slices', 'slice', 'offset', 'end'];
  return [head, ...rows].map((r) => r.join(',')).join('\n') + '\n';
}

/** The command line of a sample's script: `--slices` prints the design's slices, else the sample is drawn. */
export function sampleCli(n: number, design: SliceDesign, unlabelled = false): void {
  if (process.argv.includes('--slices')) {
    for (const { file, offsets } of sliceOffsets(design)) process.stdout.write(`${file} ${offsets.join(' ')}\n`);
  } else {
    const at = process.argv.indexOf('--out');
    drawSample(n, design.strata, labelledBefore(n), at > 0 ? (process.argv[at + 1] ?? gedDir) : gedDir, unlabelled);
  }
}
