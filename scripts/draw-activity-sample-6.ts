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
import { routerStrata, sampleCli, sliceOffsets as offsetsOf, type SliceDesign } from './ged-cluster-sample.js';
import { sliceOffsets as fifthOffsets } from './draw-activity-sample-5.js';

export const design: SliceDesign = {
  // long-range, shelling, ground front, ambiguous, attack candidates
  strata: routerStrata([8, 2, 1, 1, 1]),
  seed: 20256,
  avoid: fifthOffsets(),
};

/** Slice offsets per file, in the order drawn: none overlaps a fifth-sample slice or an earlier one of this draw. */
export const sliceOffsets = () => offsetsOf(design);

if (process.argv[1]?.endsWith('draw-activity-sample-6.ts')) sampleCli(6, design);
