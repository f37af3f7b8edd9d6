/**
 * Draws the seventh labelled sample of GED events (docs/operations/replay.md, "How good the rules are"): events of the
 * same source and universe as the fifth and sixth (`scripts/draw-activity-sample-5.ts`), none of them in any earlier
 * sample, drawn after the word rules were changed from the sixth sample's errors (c16dd07) and before any of its
 * events was read, to be labelled by a labeller who has not seen the rules.
 *
 *   npx tsx scripts/draw-activity-sample-7.ts --slices    # the clusters: which slices of which file to read
 *   npx tsx scripts/draw-activity-sample-7.ts --design    # the same, as examples/data/ucdp-ged/activity-sample-7-design.csv
 *   npx tsx scripts/draw-activity-sample-7.ts [--out DIR] # the sample to label (unlabelled), from the events read
 *
 * The same cluster design as the sixth: per router file (a stratum), slices of 16,000 characters at seeded random
 * offsets (seed 20257), every event whole inside a slice; a slice that overlaps a slice of the fifth or sixth sample,
 * or an earlier slice of this draw, is redrawn. One more region is avoided: the long-range file's last 1,501
 * characters (offset 1,275,000 on), read once while this design was written, to check the file's length (it showed
 * two whole events, 430707 and 448651, and the end of a third); no slice may reach it, so no event of the sample was
 * seen before the design.
 *
 * Why these slice counts. The done-means needs precision per activity on some 40 predictions each. Under the rules
 * of c16dd07, the fifth and sixth samples' long-range slices held 46 missile predictions in 9 slices and 27 in 8
 * (4.3 a slice; 3.4 and 5.1 by sample), so 12 slices are expected to give about 52 (41 at the lower rate); they
 * also held 13.9 air or drone predictions a slice (about 167 expected) and 0.8 artillery. The shelling file's
 * slices held 82 artillery predictions in 4 (20.5 a slice), so 2 slices and the long-range ones are expected to
 * give about 50 artillery predictions. One slice each of the other three files keeps every stratum in the sample, so
 * that recall can be weighted (their events are mostly `undetermined`). The rules are not run on the seventh sample's
 * events by this script or before the labels are committed.
 *
 * The events of the slices, in GED's column layout, go to `examples/data/ucdp-ged/ucdp-ged-26.1-ukraine-sample-7.csv`;
 * this writes `activity-sample-7-unlabelled.csv` (id, date_start, headlines only; sorted by id; nothing of any rule's
 * answer or of the stratum: the labeller copies it to `activity-sample-7.csv` and adds `label` and `note`) and
 * `activity-sample-7-draw.csv` (stratum, its size, drawn, weight; not for the labeller). Events labelled in an
 * earlier sample are left out.
 */
import { writeFileSync } from 'node:fs';
import {
  designCsv,
  gedDir,
  routerStrata,
  sampleCli,
  sliceOffsets as offsetsOf,
  type SliceDesign,
} from './ged-cluster-sample.js';
import { sliceOffsets as fifthOffsets } from './draw-activity-sample-5.js';
import { sliceOffsets as sixthOffsets } from './draw-activity-sample-6.js';

/** The router's files at nathanasso-code/Ubik commit af867bd (attack_candidates at 51211b8), with their sizes. */
export const commits: Record<string, string> = {
  'long_range_candidates.json': 'af867bd01f1c0ec101321609d3fb6f39c543f469',
  'shelling_review.json': 'af867bd01f1c0ec101321609d3fb6f39c543f469',
  'ground_front.json': 'af867bd01f1c0ec101321609d3fb6f39c543f469',
  'ambiguous.json': 'af867bd01f1c0ec101321609d3fb6f39c543f469',
  'attack_candidates.json': '51211b8b5fcae0ba1916b1466b7111f23603fb30',
};

export const design: SliceDesign = {
  // long-range, shelling, ground front, ambiguous, attack candidates
  strata: routerStrata([12, 2, 1, 1, 1]),
  seed: 20257,
  avoid: [
    ...fifthOffsets(),
    ...sixthOffsets(),
    // The long-range file's tail, read to check its length before this design was committed.
    { file: 'long_range_candidates.json', offsets: [1_275_000] },
  ],
};

/** Slice offsets per file, in the order drawn: none overlaps a fifth- or sixth-sample slice, the tail, or another. */
export const sliceOffsets = () => offsetsOf(design);

if (process.argv[1]?.endsWith('draw-activity-sample-7.ts')) {
  if (process.argv.includes('--design'))
    writeFileSync(`${gedDir}/activity-sample-7-design.csv`, designCsv(design, commits));
  else sampleCli(7, design, true);
}
