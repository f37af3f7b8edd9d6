// Issue 20's "wrong or misleading today", each reproduced by a package written for it (not the example), and what
// the analysis now says instead. Each test failed before its fix.
import { describe, expect, it } from 'vitest';
import { loadPackage } from '../spec/load.js';
import type { Package } from '../spec/schema.js';
import { adversaryOf } from '../spec/sides.js';
import { loadScenario } from '../sim/scenario.js';
import { analyseModel } from './analyse.js';
import { monthTwelve, renderText, triggerStory } from './narrative.js';

function model(yaml: string): Package {
  const l = loadPackage(yaml, { file: 'x.yaml' });
  if (!l.model) throw new Error(l.diagnostics.map((d) => `${d.span.start.line}: ${d.message}`).join('\n'));
  return l.model;
}

const head = `package: p
title: P
effective: 2026-01-01T00:00Z
horizon: 24mo
`;

describe('explain says only what is true of the act in question', () => {
  // A weapons deployment (a trigger with a `depth`, no ground advance) next to a long line.
  const weapons = model(`${head}actors:
  A: { name: A, role: party }
  B: { name: B, role: protected }
  M: { name: M, role: monitor }
zones:
  line: { kind: line, geometry: l.geojson, sides: { left: A, right: B } }
  zone: { kind: buffer, around: line, width: 20km }
prohibitions:
  no-weapons: { binds: [A], activities: [heavy-weapon-presence], weapons: [tank], inside: zone }
verification:
  sat: { kind: satellite, operator: M, revisit: 6h, latency: 3h, detects: { heavy-weapon-presence: 0.9 } }
severities: [serious]
triggers:
  deploy: { on: [no-weapons], evidence: { independent-sources: 1 }, depth: 2km, severity: serious }
judgment: { body: C, members: [M], rule: { type: majority }, deadline: 24h, on-deadline: declare }
responses:
  serious: [{ by: M, do: sanctions, within: 1h, automatic: true }]
assumptions: { advance-rate: 5km/d }
`);
  it('narrates no advance, depth or area for a weapons deployment', () => {
    const a = analyseModel(weapons, { lineLengths: new Map([['line', 400_000]]) });
    const s = triggerStory(weapons, a.timeline[0]!);
    const all = [s.summary, ...s.moments.map((m) => m.text)].join(' ');
    expect(all).not.toMatch(/advance|km²| km\b/);
  });

  const mixed = (within: string, radarSeesAdvance = false) =>
    model(`${head}actors:
  A: { name: A, role: party }
  B: { name: B, role: protected }
  M: { name: M, role: monitor }
  G: { name: G, role: guarantor }
zones:
  line: { kind: line, geometry: l.geojson, sides: { left: A, right: B } }
  air: { kind: airspace, over: line, ceiling: 10km }
prohibitions:
  no-fire: { binds: [A], activities: [artillery-fire] }
  no-advance: { binds: [A], activities: [ground-advance], across: line }
verification:
  radar: { kind: radar, operator: M, latency: 10m, detects: { artillery-fire: 0.9${radarSeesAdvance ? ', ground-advance: 0.9' : ''} } }
  sat: { kind: satellite, operator: G, revisit: 24h, latency: 12h, detects: { ground-advance: 0.9 } }
severities: [serious]
triggers:
  any: { on: [no-fire, no-advance], severity: serious }
judgment: { body: C, members: [M], rule: { type: majority }, deadline: 1h, on-deadline: declare }
responses:
  serious:
    - { by: G, do: sanctions, automatic: true, within: ${within}, upon: trigger }
    - { by: G, do: reinforce, upon: trigger }
assumptions: { advance-rate: 5km/d, national-decision: 72h }
`);
  it('gives no area beside a depth that rounds to nothing ("0 km, up to 17 km²")', () => {
    const m = mixed('1m', true);
    const s = triggerStory(m, analyseModel(m, { lineLengths: new Map([['line', 800_000]]) }).timeline[0]!);
    expect(s.summary).toContain('advanced 0 km (0 km at best)');
    expect(s.summary).not.toContain('km²');
  });
  it('names the advancing prohibition when the trigger also covers other acts', () => {
    const m = mixed('6h');
    const s = triggerStory(m, analyseModel(m).timeline[0]!);
    expect(s.summary).toContain('a violator advancing on the ground (prohibition `no-advance`)');
  });
  it('adds no time to "no time limit"', () => {
    const m = mixed('6h');
    const s = triggerStory(m, analyseModel(m).timeline[0]!);
    const t = s.moments.find((x) => x.text.includes('reinforce'))!.text;
    expect(t).toContain('with no time limit after the trigger is met');
    expect(t).not.toMatch(/no time limit[^.]*plus \d/);
  });
  it("shows each act's own detection time, not another act's latency, as its best case", () => {
    const m = mixed('6h');
    const tl = analyseModel(m).timeline[0]!;
    const det = triggerStory(m, tl).moments.find((x) => x.kind === 'detection')!;
    // The story follows the slowest act (the advance, 12 h at best by satellite); the radar's 10 minutes is the fire's.
    expect(det.at.best).toBe(12 * 3_600_000);
    expect(det.text).toContain('A different act, artillery-fire');
  });
  it('does not say a violator can "hold" an airspace nobody polices', () => {
    const m = mixed('6h');
    const d = analyseModel(m).findings.filter((f) => f.code === 'uncontrolled-zone');
    expect(d.map((f) => f.args['consequence'])).toEqual(['a violator can fly through it unchallenged']);
  });
  it('never annualises a standing force', () => {
    const m = model(`${head}actors:
  A: { name: A, role: party }
  G: { name: G, role: guarantor }
sustainment:
  requirements:
    troops: { quantity: 60000, per: level }
  commitments:
    - { by: G, provides: troops, quantity: 60000, per: level, from: 2026-01, form: treaty }
`);
    const mt = monthTwelve(analyseModel(m).sustainment);
    expect(mt.lines[0]).toContain('60,000 held committed against 60,000 held required');
    expect(renderText(m, analyseModel(m))).not.toContain('720,000');
  });
});

describe('judgment: a sole impartial judge is a judge, not a veto', () => {
  const judge = (extra = '') =>
    model(`${head}actors:
  A: { name: A, role: party }
  B: { name: B, role: party }
  J: { name: Force Commander, role: force }
prohibitions:
  no-fire: { binds: [A, B], activities: [artillery-fire] }
judgment: { body: Force Commander, members: [J], rule: { type: majority${extra} }, deadline: 24h, on-deadline: declare }
`);
  it('reports no single-member block (G2004) for one member with no veto written', () => {
    const f = analyseModel(judge()).findings.map((x) => x.code);
    expect(f).not.toContain('judgment-member-can-block');
    expect(analyseModel(judge()).scorecard.dimensions.judgment.score).toBe(100);
  });
  it('still reports a veto that is written', () => {
    expect(analyseModel(judge(', veto: [J]')).findings.map((x) => x.code)).toContain('judgment-member-can-block');
  });
});

describe('sides: the adversary is a bound actor opposed to the protected one', () => {
  const noParty = model(`${head}actors:
  X: { name: X, role: protected }
  G: { name: G, role: guarantor }
  Y: { name: Y, role: body }
zones:
  line: { kind: line, geometry: l.geojson, sides: { left: Y, right: X } }
prohibitions:
  no-fire: { binds: [X, Y], activities: [artillery-fire] }
`);
  it('a package with no `party` has a default adversary: the bound actor across the line from the protected one', () => {
    expect(adversaryOf(noParty).adversary).toBe('Y');
    const s = loadScenario(undefined, noParty, { file: 'x.yaml', packageFile: 'x.yaml' });
    expect(s.diagnostics.map((d) => d.code)).not.toContain('G3011');
    expect(s.scenario?.adversary).toBe('Y');
  });
  it('does not take the protected state for the adversary because it comes first in the file', () => {
    const m = model(`${head}actors:
  UA: { name: UA, role: protected }
  RU: { name: RU, role: party }
prohibitions:
  no-fire: { binds: [UA, RU], activities: [artillery-fire] }
`);
    expect(adversaryOf(m).adversary).toBe('RU');
  });
  it('G3008 does not call a bound actor "not a party"', () => {
    const s = loadScenario('adversary: Y\n', noParty, { file: 's.yaml', packageFile: 'x.yaml' });
    expect(s.diagnostics.map((d) => d.code)).not.toContain('G3008');
    const g = loadScenario('adversary: G\n', noParty, { file: 's.yaml', packageFile: 'x.yaml' });
    expect(g.diagnostics.map((d) => d.code)).toContain('G3008');
  });
});

describe('scoring keeps its own documented rule', () => {
  // Real one-year commitments against a three-year requirement, with a cliff, an election and one guarantor.
  const stated = model(`package: p
title: P
effective: 2026-01-01T00:00Z
horizon: 36mo
actors:
  A: { name: A, role: party }
  G: { name: G, role: guarantor, elections: [2026-06-01] }
sustainment:
  requirements:
    money: { amount: 1e9 EUR, per: year, stock: 1mo }
    kit: { quantity: 100, per: year }
  commitments:
    - { by: G, provides: money, amount: 1e9 EUR, per: year, from: 2026-01, until: 2026-12, form: political, lead-time: 3mo }
    - { by: G, provides: kit, quantity: 100, per: year, from: 2026-01, until: 2026-12, form: political, lead-time: 3mo }
`);
  const nothing = model(`package: p
title: P
effective: 2026-01-01T00:00Z
horizon: 36mo
actors:
  A: { name: A, role: party }
  G: { name: G, role: guarantor, elections: [2026-06-01] }
`);
  it('stating a shortfall never scores below stating nothing', () => {
    const s = analyseModel(stated).scorecard.dimensions.sustainment.score;
    const n = analyseModel(nothing).scorecard.dimensions.sustainment.score;
    expect(n).toBe(30);
    expect(s).toBeGreaterThanOrEqual(n);
  });
});
