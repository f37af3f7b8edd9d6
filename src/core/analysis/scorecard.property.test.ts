// The scoring rules docs/scoring.md states, as properties over packages generated from the sample: stating a
// shortfall never scores below stating nothing; adding a verifier never lowers verification; recusing the parties
// never lowers judgment.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyseSample, type Edit } from './sample.js';

const forms = fc.constantFrom('treaty', 'appropriation-law', 'executive', 'political', 'intent');
const month = fc
  .integer({ min: 0, max: 30 })
  .map((i) => `${2026 + Math.floor((5 + i) / 12)}-${String(((5 + i) % 12) + 1).padStart(2, '0')}`);
const commitment = fc.record({
  by: fc.constantFrom('G1', 'G2'),
  provides: fc.constantFrom('money', 'kit'),
  n: fc.integer({ min: 0, max: 300 }),
  per: fc.constantFrom('month', 'quarter', 'year', 'once'),
  from: month,
  until: fc.option(month, { nil: undefined }),
  form: forms,
  lead: fc.option(fc.integer({ min: 1, max: 24 }), { nil: undefined }),
  currency: fc.constantFrom('EUR', 'GBP'),
});
const sustainmentEdits = fc.record({
  money: fc.option(fc.integer({ min: 1, max: 500 }), { nil: undefined }),
  kit: fc.option(fc.integer({ min: 1, max: 500 }), { nil: undefined }),
  stock: fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined }),
  commitments: fc.array(commitment, { maxLength: 5 }),
  elections: fc.array(month, { maxLength: 2 }),
});

function stated(s: typeof sustainmentEdits extends fc.Arbitrary<infer T> ? T : never): Edit[] {
  const requirements: Record<string, unknown> = {};
  if (s.money !== undefined)
    requirements['money'] = { amount: `${s.money}e6 EUR`, per: 'year', ...(s.stock ? { stock: `${s.stock}mo` } : {}) };
  if (s.kit !== undefined) requirements['kit'] = { quantity: s.kit, per: 'year' };
  const commitments = s.commitments
    .filter((c) => requirements[c.provides] !== undefined)
    .map((c) => ({
      by: c.by,
      provides: c.provides,
      ...(c.provides === 'money' ? { amount: `${c.n}e6 ${c.currency}` } : { quantity: c.n }),
      per: c.per,
      from: c.from,
      ...(c.until !== undefined && c.until >= c.from ? { until: c.until } : {}),
      form: c.form,
      ...(c.lead !== undefined ? { 'lead-time': `${c.lead}mo` } : {}),
    }));
  return [
    { set: ['horizon'], to: '36mo' },
    { set: ['actors', 'G1', 'elections'], to: s.elections },
    { set: ['sustainment'], to: { requirements, commitments } },
  ];
}

describe('scoring rules as properties', () => {
  it('stating a shortfall never scores below stating nothing (sustainment and overall)', () => {
    fc.assert(
      fc.property(sustainmentEdits, (s) => {
        const e = stated(s);
        const withIt = analyseSample(e).scorecard;
        const without = analyseSample([...e.slice(0, 2), { delete: ['sustainment'] }]).scorecard;
        expect(withIt.dimensions.sustainment.score).toBeGreaterThanOrEqual(without.dimensions.sustainment.score);
        expect(withIt.overall).toBeGreaterThanOrEqual(without.overall);
      }),
      { numRuns: 60 },
    );
  }, 120_000);

  const acts = [
    'artillery-fire',
    'ground-advance',
    'troop-presence',
    'heavy-weapon-presence',
    'overflight',
    'drone-strike',
  ] as const;
  const source = fc.record({
    kind: fc.constantFrom('satellite', 'uav', 'radar', 'patrol', 'inspection-team', 'open-source'),
    operator: fc.constantFrom('A', 'B', 'G1', 'G2', 'M'),
    revisit: fc.option(fc.integer({ min: 1, max: 400 }), { nil: undefined }),
    latency: fc.integer({ min: 1, max: 48 }),
    covers: fc.option(fc.subarray(['buffer', 'line'], { minLength: 1 }), { nil: undefined }),
    detects: fc.dictionary(fc.constantFrom(...acts), fc.double({ min: 0, max: 1, noNaN: true })),
    onRequest: fc.option(fc.integer({ min: 1, max: 96 }), { nil: undefined }),
  });
  const toSource = (s: typeof source extends fc.Arbitrary<infer T> ? T : never) => ({
    kind: s.kind,
    operator: s.operator,
    latency: `${s.latency}h`,
    detects: s.detects,
    ...(s.revisit !== undefined ? { revisit: `${s.revisit}h` } : {}),
    ...(s.covers ? { covers: s.covers } : {}),
    ...(s.onRequest !== undefined ? { 'on-request': `${s.onRequest}h` } : {}),
  });
  // A base with varied weaknesses: some sources removed, extra prohibitions, a limit.
  const base = fc.record({
    dropRadar: fc.boolean(),
    dropAcoustic: fc.boolean(),
    extra: fc.subarray([...acts], { maxLength: 3 }),
    limit: fc.boolean(),
    k: fc.integer({ min: 1, max: 3 }),
  });
  const baseEdits = (b: typeof base extends fc.Arbitrary<infer T> ? T : never): Edit[] => {
    const e: Edit[] = [{ set: ['triggers', 'fire', 'evidence', 'independent-sources'], to: b.k }];
    if (b.dropRadar) e.push({ delete: ['verification', 'radar'] });
    if (b.dropAcoustic) e.push({ delete: ['verification', 'acoustic'] });
    if (b.extra.length)
      e.push({
        set: ['prohibitions', 'extra'],
        to: {
          binds: ['A', 'B'],
          activities: b.extra,
          inside: 'buffer',
          ...(b.limit && b.extra.includes('troop-presence') ? { limit: { personnel: 100 } } : {}),
        },
      });
    return e;
  };

  it('adding a verifier never lowers verification', () => {
    fc.assert(
      fc.property(base, source, (b, s) => {
        const e = baseEdits(b);
        const before = analyseSample(e).scorecard.dimensions.verification.score;
        const after = analyseSample([...e, { set: ['verification', 'added'], to: toSource(s) }]).scorecard.dimensions
          .verification.score;
        expect(after).toBeGreaterThanOrEqual(before);
      }),
      { numRuns: 80 },
    );
  }, 120_000);

  const judgment = fc.record({
    members: fc.subarray(['A', 'B', 'G1', 'G2', 'M'], { minLength: 1 }),
    type: fc.constantFrom(
      'majority',
      'qualified-majority',
      'unanimity',
      'consensus',
      'reverse-consensus',
      'unpublished',
    ),
    quorum: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
    veto: fc.option(fc.subarray(['A', 'B', 'G1', 'G2', 'M']), { nil: undefined }),
    tieBreak: fc.option(fc.constantFrom('declare', 'dismiss', 'M', 'A'), { nil: undefined }),
  });
  // Control: zones that nobody polices or secures never score below stating no zone at all (no-zones, 50).
  const zone = fc.record({
    width: fc.integer({ min: 1, max: 40 }),
    airspace: fc.boolean(),
    activities: fc.subarray(['troop-presence', 'heavy-weapon-presence', 'overflight', 'drone-strike'] as const, {
      minLength: 1,
    }),
    control: fc.constantFrom('none', 'monitored', 'land', 'air'),
  });
  it('stating zones nobody controls never scores below stating no zone (control)', () => {
    // The sample with no zones at all: the same prohibitions, triggers and sources, nothing placed anywhere.
    const noZones = analyseSample([
      { set: ['zones'], to: {} },
      { set: ['control'], to: [] },
      { delete: ['prohibitions', 'no-fire', 'inside'] },
      { delete: ['prohibitions', 'no-advance', 'across'] },
      { delete: ['verification', 'radar', 'covers'] },
      { delete: ['verification', 'acoustic', 'covers'] },
    ]).scorecard.dimensions.control.score;
    expect(noZones).toBe(50);
    fc.assert(
      fc.property(fc.array(zone, { minLength: 1, maxLength: 7 }), (zs) => {
        const edits: Edit[] = [{ set: ['control'], to: [] }];
        zs.forEach((z, i) => {
          const id = `z${i}`;
          edits.push({
            set: ['zones', id],
            to: z.airspace
              ? { kind: 'airspace', over: 'buffer', ceiling: '10km' }
              : { kind: 'buffer', around: 'line', width: `${z.width}km` },
          });
          edits.push({ set: ['prohibitions', `p${i}`], to: { binds: ['A'], activities: z.activities, inside: id } });
        });
        const control = zs.flatMap((z, i): Record<string, string>[] =>
          z.control === 'none'
            ? []
            : z.control === 'monitored'
              ? [{ zone: `z${i}`, domain: 'land', monitors: 'M' }]
              : [{ zone: `z${i}`, domain: z.control, polices: 'M' }],
        );
        edits.push({ set: ['control'], to: control });
        const score = analyseSample(edits).scorecard.dimensions.control.score;
        expect(score).toBeGreaterThanOrEqual(noZones);
      }),
      { numRuns: 80 },
    );
  }, 120_000);

  it('recusing a party never lowers judgment', () => {
    fc.assert(
      fc.property(judgment, (j) => {
        const rule = {
          type: j.type,
          ...(j.quorum !== undefined ? { quorum: j.quorum } : {}),
          ...(j.veto ? { veto: j.veto.filter((v) => j.members.includes(v)) } : {}),
        };
        const body = {
          body: 'Body',
          members: j.members,
          rule,
          deadline: '24h',
          'on-deadline': 'declare',
          ...(j.tieBreak ? { 'tie-break': j.tieBreak } : {}),
        };
        const score = (recuse: unknown) =>
          analyseSample([{ set: ['judgment'], to: { ...body, recuse } }]).scorecard.dimensions.judgment.score;
        const none = score('none');
        // Recusing the bound parties, by group or by name. (Recusing only one of two opposing parties is not covered:
        // it can leave the other as a single blocker, which the score rightly reports.)
        expect(score('parties')).toBeGreaterThanOrEqual(none);
        const bound = j.members.filter((x) => x === 'A' || x === 'B');
        if (bound.length) expect(score(bound)).toBeGreaterThanOrEqual(none);
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});
