/**
 * Draws the fifth labelled sample of GED events (docs/operations/replay.md, "How good the rules are"): events the
 * word rules were never written from, from UCDP GED 26.1 and Candidate 26.0.8 for Ukraine from 24 February 2022.
 *
 *   npx tsx scripts/draw-activity-sample-5.ts            # the clusters: which slices of which file to read
 *
 * The events come from the compact JSON copies that the public repository nathanasso-code/Ubik keeps of every
 * Ukraine event of those two releases from 2022-02-24 on (37,110 events), split into five files by a keyword router
 * of its own (`scripts/classify_ucdp.py` there; not this project's rules). Those files can be read here only in
 * slices of 16,000 characters, so the sample is a cluster sample: per file (a stratum), slices at seeded random
 * offsets, and every event that starts and ends inside a slice. Strata and their sizes are the router's files, so
 * the draw never runs this project's rules; precision is read off the events the rules put in a class, and recall
 * weights each stratum by its size over the events drawn from it.
 */
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

if (process.argv[1]?.endsWith('draw-activity-sample-5.ts')) {
  for (const { file, offsets } of sliceOffsets()) process.stdout.write(`${file} ${offsets.join(' ')}\n`);
}
