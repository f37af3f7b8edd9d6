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
import { routerStrata, sampleCli, sliceOffsets as offsetsOf, type SliceDesign } from './ged-cluster-sample.js';

export const design: SliceDesign = {
  // long-range, shelling, ground front, ambiguous, attack candidates
  strata: routerStrata([9, 2, 2, 4, 1]),
  seed: 20255,
};

/** Slice offsets per file, in the order drawn; a slice that overlaps an earlier one of its file adds only new events. */
export const sliceOffsets = () => offsetsOf(design);

if (process.argv[1]?.endsWith('draw-activity-sample-5.ts')) sampleCli(5, design);
