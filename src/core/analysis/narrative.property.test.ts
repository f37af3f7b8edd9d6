// The narrative's invariants over generated packages (issue 20): explain says only what is true of the act in
// question. No advance or depth is narrated for a trigger with no ground advance; no area without a depth that
// rounds to something; no time added to "no time limit"; an airspace is never "held".
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { definition, fillTemplate } from '../diagnostics/catalogue.js';
import { activities } from '../spec/vocabulary.js';
import { analyseModel } from './analyse.js';
import { triggerStory } from './narrative.js';
import { samplePackage, type Edit } from './sample.js';
import { isAdvance } from './timeline.js';

const gen = fc.record({
  acts: fc.subarray([...activities], { minLength: 1, maxLength: 4 }),
  alsoAdvance: fc.boolean(),
  depth: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
  within: fc.option(fc.integer({ min: 0, max: 200 }), { nil: undefined }),
  automatic: fc.boolean(),
  upon: fc.constantFrom('declaration', 'trigger'),
  rate: fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }),
  latency: fc.integer({ min: 1, max: 600 }),
  airspace: fc.boolean(),
  action: fc.constantFrom('sanctions', 'reinforce', 'consult', 'unspecified-measures'),
});
type G = typeof gen extends fc.Arbitrary<infer T> ? T : never;

function edits(g: G): Edit[] {
  const e: Edit[] = [
    { set: ['prohibitions', 'acts'], to: { binds: ['A'], activities: g.acts, inside: 'buffer' } },
    { set: ['verification', 'radar', 'detects'], to: Object.fromEntries(g.acts.map((a) => [a, 0.9])) },
    { set: ['verification', 'radar', 'latency'], to: `${g.latency}m` },
    {
      set: ['triggers', 'acts'],
      to: {
        on: g.alsoAdvance ? ['acts', 'no-advance'] : ['acts'],
        severity: 'serious',
        evidence: { 'independent-sources': 1 },
        ...(g.depth ? { depth: `${g.depth}km` } : {}),
      },
    },
    {
      set: ['responses', 'serious'],
      to: [
        {
          by: 'G1',
          do: g.action,
          automatic: g.automatic,
          upon: g.upon,
          ...(g.within !== undefined ? { within: `${g.within}h` } : {}),
        },
      ],
    },
  ];
  if (g.rate === undefined) e.push({ delete: ['assumptions', 'advance-rate'] });
  else e.push({ set: ['assumptions', 'advance-rate'], to: `${g.rate}km/d` });
  if (g.airspace) e.push({ set: ['zones', 'sky'], to: { kind: 'airspace', over: 'buffer', ceiling: '10km' } });
  return e;
}

describe('narrative invariants', () => {
  it('holds over generated packages', () => {
    fc.assert(
      fc.property(gen, (g) => {
        const m = samplePackage(edits(g));
        const a = analyseModel(m, { lineLengths: new Map([['line', 800_000]]) });
        for (const tl of a.timeline) {
          const s = triggerStory(m, tl);
          const texts = [s.summary, ...s.moments.map((x) => x.text)];
          const all = texts.join(' ');
          if (!isAdvance(m, m.triggers[tl.trigger]!)) {
            expect(all).not.toMatch(/\badvance[sd]?\b|\bdepth\b|km²/i);
          }
          // An area only beside a depth that rounds to more than nothing.
          for (const t of texts) {
            const area = t.match(/advanced ([\d.]+) km \(([\d.]+) km at best\): up to/);
            if (area) expect(Number(area[1])).toBeGreaterThan(0);
            if (/km²/.test(t)) expect(t).not.toMatch(/(^|[^\d.])0 km\b[^.]*?:? up to [\d,]+ km²/);
          }
          for (const mo of s.moments)
            if (/no time limit/.test(mo.text)) expect(mo.text).not.toMatch(/no time limit[^.]*plus \d/);
        }
        for (const f of a.findings.filter((x) => x.code === 'uncontrolled-zone')) {
          const z = m.zones[String(f.args['zone'])]!;
          const msg = fillTemplate(definition(f.code).message, f.args);
          if (z.kind === 'airspace') expect(msg).not.toMatch(/\bhold\b/);
        }
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});
