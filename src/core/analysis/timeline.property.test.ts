// Properties of the day-one timeline over random packages derived from the sample: it never runs backwards, and
// slowing any step never brings any moment forward.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HOUR } from '../spec/units.js';
import { buildView } from './package-view.js';
import { samplePackage, type Edit } from './sample.js';
import { timelines, type TriggerTimeline } from './timeline.js';

const hours = fc.integer({ min: 0, max: 96 });
const params = fc.record({
  radarLatency: hours,
  acousticLatency: hours,
  acousticRevisit: fc.option(hours, { nil: undefined }),
  deadline: fc.integer({ min: 1, max: 240 }),
  within: fc.integer({ min: 1, max: 240 }),
  automatic: fc.boolean(),
  k: fc.integer({ min: 1, max: 2 }),
});
type Params = typeof params extends fc.Arbitrary<infer T> ? T : never;

function edits(p: Params): Edit[] {
  const e: Edit[] = [
    { set: ['verification', 'radar', 'latency'], to: `${p.radarLatency}h` },
    { set: ['verification', 'acoustic', 'latency'], to: `${p.acousticLatency}h` },
    { set: ['judgment', 'deadline'], to: `${p.deadline}h` },
    { set: ['responses', 'armed-attack', 0, 'within'], to: `${p.within}h` },
    { set: ['responses', 'armed-attack', 0, 'automatic'], to: p.automatic },
    { set: ['triggers', 'advance', 'evidence', 'independent-sources'], to: p.k },
  ];
  if (p.acousticRevisit !== undefined)
    e.push({ set: ['verification', 'acoustic', 'revisit'], to: `${p.acousticRevisit}h` });
  return e;
}
const advance = (p: Params): TriggerTimeline =>
  timelines(buildView(samplePackage(edits(p)))).find((t) => t.trigger === 'advance')!;

describe('timeline properties', () => {
  it('orders each chain: best <= worst, and detection <= case <= declaration <= response', () => {
    fc.assert(
      fc.property(params, (p) => {
        const t = advance(p);
        const f = t.firstMaterial!;
        for (const i of [t.caseOpens, t.judgment.decision, f.at]) expect(i.best).toBeLessThanOrEqual(i.worst);
        expect(t.caseOpens.worst).toBeLessThanOrEqual(t.judgment.decision.worst);
        expect(t.judgment.decision.worst).toBeLessThanOrEqual(f.at.worst);
        expect(f.at.worst - t.judgment.decision.worst).toBe(p.within * HOUR + (p.automatic ? 0 : 72 * HOUR));
      }),
      { numRuns: 60 },
    );
  });
  it('never brings a moment forward when a latency, the deadline or the response window grows', () => {
    fc.assert(
      fc.property(
        params,
        fc.constantFrom('radarLatency', 'acousticLatency', 'deadline', 'within'),
        fc.integer({ min: 1, max: 48 }),
        (p, key, more) => {
          const a = advance(p);
          const b = advance({ ...p, [key]: p[key] + more });
          expect(b.firstMaterial!.at.worst).toBeGreaterThanOrEqual(a.firstMaterial!.at.worst);
          expect(b.firstMaterial!.at.best).toBeGreaterThanOrEqual(a.firstMaterial!.at.best);
          expect(b.depth!.worst).toBeGreaterThanOrEqual(a.depth!.worst);
        },
      ),
      { numRuns: 60 },
    );
  });
});
