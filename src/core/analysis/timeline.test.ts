import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE } from '../spec/units.js';
import { loadPackage } from '../spec/load.js';
import { geometryReaderAt as geometryReaderFor } from '../../../test/support/package-file.js';
import { analyse } from './analyse.js';
import { buildView } from './package-view.js';
import { samplePackage, type Edit } from './sample.js';
import { timelines, type TriggerTimeline } from './timeline.js';

const tl = (edits: Edit[] = [], id = 'advance'): TriggerTimeline =>
  timelines(buildView(samplePackage(edits))).find((t) => t.trigger === id)!;

const example = readFileSync('examples/ukraine-2026.yaml', 'utf8');
function exampleTimeline(text: string, id: string) {
  const a = analyse(
    loadPackage(text, {
      file: 'examples/ukraine-2026.yaml',
      readGeometry: geometryReaderFor('examples/ukraine-2026.yaml'),
    }),
  )!;
  return a.timeline.find((t) => t.trigger === id)!;
}

describe('day-one timeline', () => {
  it('adds up depth, detection, judgment and response in the sample', () => {
    const t = tl();
    const depth = 4.8 * HOUR; // 1 km at 5 km/day
    expect(t.threshold).toMatchObject({ best: depth, worst: depth });
    // two operators, continuous: M at 10m, G1 at 15m; the second is at 15m
    expect(t.detection).toEqual({ best: 15 * MINUTE, worst: 15 * MINUTE });
    expect(t.caseOpens).toEqual({ best: depth + 15 * MINUTE, worst: depth + 15 * MINUTE });
    expect(t.judgment.decision).toEqual({ best: depth + 15 * MINUTE, worst: depth + 15 * MINUTE + 24 * HOUR });
    expect(t.firstMaterial!.at).toEqual({
      best: depth + 15 * MINUTE + 24 * HOUR,
      worst: depth + 15 * MINUTE + 48 * HOUR,
    });
    expect(t.depth!.worst).toBeCloseTo((5000 / DAY) * (depth + 15 * MINUTE + 48 * HOUR), 6);
  });
  it('waits for the k-th distinct operator: revisit + latency in the worst case', () => {
    const t = tl([
      { set: ['verification', 'acoustic', 'revisit'], to: '6h' },
      { set: ['verification', 'acoustic', 'latency'], to: '2h' },
    ]);
    expect(t.detection).toEqual({ best: 2 * HOUR, worst: 8 * HOUR });
  });
  it('spreads count events over the window in the worst case', () => {
    const t = tl([], 'fire');
    expect(t.threshold).toMatchObject({ best: 0, worst: 12 * HOUR, window: 12 * HOUR });
  });
  it('adds the national decision to a response that is not automatic', () => {
    const base = tl();
    const t = tl([{ set: ['responses', 'armed-attack', 0, 'automatic'], to: false }]);
    expect(t.firstMaterial!.at.worst - base.firstMaterial!.at.worst).toBe(72 * HOUR);
  });
  it('starts a response on the trigger itself when `upon: trigger`', () => {
    const t = tl([{ set: ['responses', 'armed-attack', 0, 'upon'], to: 'trigger' }]);
    expect(t.firstMaterial!.at).toEqual({ best: t.caseOpens.best + 24 * HOUR, worst: t.caseOpens.worst + 24 * HOUR });
  });
  it('never declares when a party can block, the default is not to declare, or there is no deadline', () => {
    expect(tl([{ set: ['judgment', 'on-deadline'], to: 'no-decision' }]).judgment.decision.worst).toBe(Infinity);
    expect(tl([{ delete: ['judgment', 'deadline'] }]).judgment.decision.worst).toBe(Infinity);
    const blocked = tl([
      { set: ['judgment', 'members'], to: ['G1', 'A'] },
      { set: ['judgment', 'recuse'], to: 'none' },
      { set: ['judgment', 'rule', 'veto'], to: ['A'] },
    ]);
    expect(blocked.judgment.risks).toEqual(['A can block it']);
    expect(blocked.judgment.decision.best).toBe(blocked.caseOpens.best);
  });
  it('opens no case when fewer than k operators see any act', () => {
    const t = tl([{ set: ['triggers', 'advance', 'evidence', 'independent-sources'], to: 3 }]);
    expect(t.detection).toBeUndefined();
    expect(t.caseOpens.best).toBe(Infinity);
    expect(t.firstMaterial!.at.best).toBe(Infinity);
  });

  describe('on the example package, every number follows from the package', () => {
    const base = exampleTimeline(example, 'armed-attack');
    it("moves by exactly the change in a source latency (the k-th operator's)", () => {
      // ground-advance is confirmed by the 2nd of CMM (uav: 2h + 1h) and US (sat: 6h + 3h): US sets the worst case
      const moved = exampleTimeline(
        example.replace(
          'sat: { kind: satellite, operator: US, revisit: 6h, latency: 3h',
          'sat: { kind: satellite, operator: US, revisit: 6h, latency: 5h',
        ),
        'armed-attack',
      );
      expect(moved.caseOpens.worst - base.caseOpens.worst).toBe(2 * HOUR);
      expect(moved.firstMaterial!.at.worst - base.firstMaterial!.at.worst).toBe(2 * HOUR);
      for (const [a, b] of base.responses.map((r, i) => [r, moved.responses[i]!] as const))
        expect(b.due.worst - a.due.worst).toBe(2 * HOUR);
    });
    it('moves by exactly the change in the judgment deadline', () => {
      const moved = exampleTimeline(example.replace('deadline: 48h', 'deadline: 96h'), 'armed-attack');
      expect(moved.caseOpens).toEqual(base.caseOpens);
      expect(moved.judgment.decision.worst - base.judgment.decision.worst).toBe(48 * HOUR);
      expect(moved.firstMaterial!.at.worst - base.firstMaterial!.at.worst).toBe(48 * HOUR);
      expect(moved.depth!.worst - base.depth!.worst).toBeCloseTo((5000 / DAY) * 48 * HOUR, 6);
    });
    it('measures the area along the contact line', () => {
      expect(base.along!.line).toBe('contact-line');
      expect(base.along!.length).toBeGreaterThan(700_000);
      expect(base.along!.area.worst).toBeCloseTo(base.depth!.worst * base.along!.length, 0);
    });
  });
});
