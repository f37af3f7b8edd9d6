import { describe, expect, it } from 'vitest';
import { buildView } from '../package-view.js';
import { run, runAfterFix, samplePackage, said } from '../sample.js';
import { timelines } from '../timeline.js';
import { unboundedStage } from './unbounded-stage.js';

const ladder = (within?: string) => [
  { set: ['judgment', 'before'], to: [{ step: 'negotiation', by: 'parties', ...(within ? { within } : {}) }] },
];

describe('unbounded-stage', () => {
  it('is silent without a ladder, or with a time limit on each step', () => {
    expect(run(unboundedStage)).toEqual([]);
    expect(run(unboundedStage, ladder('7d'))).toEqual([]);
  });
  it('reports a step with no time limit, and the timeline never declares', () => {
    expect(run(unboundedStage, ladder()).map((f) => said(f.args))).toEqual([
      { n: 1, step: 'negotiation', by: 'A and B' },
    ]);
    const tl = timelines(buildView(samplePackage(ladder())))[0]!;
    expect(tl.judgment.decision.worst).toBe(Infinity);
  });
  it('adds a bounded step to the worst-case decision', () => {
    const base = timelines(buildView(samplePackage()))[0]!.judgment.decision.worst;
    expect(timelines(buildView(samplePackage(ladder('7d'))))[0]!.judgment.decision.worst - base).toBe(7 * 86_400_000);
  });
  it('is fixed by a time limit', () => expect(runAfterFix(unboundedStage, ladder())).toEqual([]));
});
