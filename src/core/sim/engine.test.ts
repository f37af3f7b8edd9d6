// Behaviour of the model: each test moves one input and checks the outcome moves the way the model says it must,
// on the same random numbers (same seed), so a difference is the input's effect and not sampling noise.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPackageAt as loadPackageFile } from '../../../test/support/package-file.js';
import type { Package } from '../spec/schema.js';
import { DAY, HOUR } from '../spec/units.js';
import { compile } from './compile.js';
import { F, FIELDS } from './engine.js';
import { resolveParams, runExperiment, Simulator, type ExperimentSpec, type StrategyResult } from './experiment.js';
import type { ModelParams } from './params.js';
import { strategies } from './strategies/index.js';
import { rateUnderThreshold } from './strategies/kinds.js';
import { clauseItems } from './sensitivity.js';

const example = loadPackageFile(join('examples', 'ukraine-2026.yaml')).model!;

function spec(pkg: Package, names: string[], over: Partial<ModelParams> = {}, runs = 400, seed = 11): ExperimentSpec {
  return {
    pkg,
    adversary: 'RU',
    params: resolveParams(pkg, over),
    strategies: names.map((n) => ({ name: n, label: n, options: strategies[n]!.options.parse({}) })),
    seed,
    runs,
    sensitivityRuns: 0,
  };
}
const run = (pkg: Package, name: string, over: Partial<ModelParams> = {}, runs = 400): StrategyResult =>
  runExperiment(spec(pkg, [name], over, runs)).strategies[0]!;
const edit = (f: (p: Package) => void): Package => {
  const p = structuredClone(example);
  f(p);
  return p;
};

describe('compiling a package', () => {
  it('turns the example judgment into exact vote probabilities (majority of 5, parties recused)', () => {
    const m = compile(example, resolveParams(example), 'RU');
    // P(at least 3 of 5 members declare) with each at 0.85.
    const q = 0.85;
    const expected = [3, 4, 5].reduce((a, k) => a + binom(5, k) * q ** k * (1 - q) ** (5 - k), 0);
    expect(m.judgment.pDeclare).toBeCloseTo(expected, 12);
    expect(m.judgment.pDeclare + m.judgment.pDismiss).toBeCloseTo(1, 12);
    expect(m.judgment.deadline).toBe(2);
    expect(m.judgment.decisionTime).toBe(1);
  });

  it('lets a voting adversary block a unanimity rule; the deadline default then decides', () => {
    const blocked = edit((p) => {
      p.judgment!.members = [...p.judgment!.members, 'RU'];
      p.judgment!.rule = { type: 'unanimity' };
      p.judgment!.recuse = 'none';
    });
    expect(compile(blocked, resolveParams(blocked), 'RU').judgment.pDeclare).toBe(0);
    const m = compile(example, resolveParams(example), 'RU');
    expect(m.advanceKind).toBeGreaterThanOrEqual(0);
    expect(m.kinds[m.advanceKind]!.activity).toBe('ground-advance');
  });

  it('converts package units: advance rate to km/day, national decision to days, source latency to days', () => {
    const m = compile(example, resolveParams(example), 'RU');
    expect(m.advanceRate).toBeCloseTo(5);
    expect(m.nationalDecision).toBeCloseTo(3);
    const fire = m.kinds.find((k) => k.id === 'no-fire/artillery-fire')!;
    const radar = m.sources.findIndex((s) => s.id === 'radar');
    expect(fire.srcLatency[[...fire.src].indexOf(radar)]).toBeCloseTo(10 / 60 / 24);
  });

  it('says what salami will repeat, and under which trigger', () => {
    const m = compile(example, resolveParams(example), 'RU');
    const plan = (max: number) =>
      strategies['salami']!.prepare(m, strategies['salami']!.options.parse({ 'max-rate': max })).plan!;
    // Only the monitoring mission's UAV and radar hear mortar fire: one operator cannot meet a two-source rule.
    expect(plan(10)).toBe(
      'repeats mortar-fire (no-fire) 10 a day (its most), which no trigger can evidence; creeps 1.5 km every 30 days',
    );
    const twoOperators = edit(
      (p) => (p.prohibitions = { 'no-fire': { ...p.prohibitions['no-fire']!, activities: ['artillery-fire'] } }),
    );
    const m2 = compile(twoOperators, resolveParams(twoOperators), 'RU');
    expect(strategies['salami']!.prepare(m2, strategies['salami']!.options.parse({ 'max-rate': 10 })).plan).toMatch(
      / 1\.82 a day, just under serious-violation \(3 within 1 d\)/,
    );
    const blind = edit((p) => (p.triggers = {}));
    expect(
      strategies['salami']!.prepare(compile(blind, resolveParams(blind), 'RU'), strategies['salami']!.options.parse({}))
        .plan,
    ).toMatch(/which no trigger can evidence/);
  });

  it('lets salami stay just under a count trigger: (count - 1) per window', () => {
    const m = compile(example, resolveParams(example), 'RU');
    const fire = m.kinds.findIndex((k) => k.id === 'no-fire/artillery-fire');
    expect(rateUnderThreshold(m, fire, 10, 0)).toBeCloseTo(2); // serious-violation: 3 within 24h
    const stricter = edit((p) => (p.triggers['serious-violation']!.count = 2));
    expect(rateUnderThreshold(compile(stricter, resolveParams(stricter), 'RU'), fire, 10, 0)).toBeCloseTo(1);
  });
});

describe('sensitivity inputs', () => {
  it('offers one input per clause of the package, and each moves only its clause', () => {
    const ids = clauseItems(example).map((i) => i.id);
    expect(ids).toContain('triggers.armed-attack.depth');
    expect(ids).toContain('triggers.serious-violation.count');
    expect(ids).not.toContain('triggers.armed-attack.count'); // no count to move
    expect(ids).toContain('responses.armed-attack.automatic');
    expect(ids).toContain('verification.radar.latency');
    const params = resolveParams(example);
    const low = clauseItems(example)
      .find((i) => i.id === 'triggers.armed-attack.depth')!
      .apply(example, params, 'low').pkg;
    expect(low.triggers['armed-attack']!.depth).toBe(1000);
    expect(example.triggers['armed-attack']!.depth).toBe(2000); // the base package is untouched
    const high = clauseItems(example)
      .find((i) => i.id === 'verification.uav.detects')!
      .apply(example, params, 'high').pkg;
    expect(high.verification['uav']!.detects['ground-advance']).toBe(1);
    expect(high.verification['radar']).toEqual(example.verification['radar']);
  });

  it('runs the named inputs, per clause included, on the same random numbers as the base', () => {
    const s = {
      ...spec(example, ['surge'], {}, 100),
      sensitivityRuns: 100,
      sensitivityItems: ['triggers.armed-attack.depth', 'advance-rate'],
    };
    const r = runExperiment(s);
    expect(r.sensitivity!.rows.map((x) => x.item).sort()).toEqual(['advance-rate', 'triggers.armed-attack.depth']);
    // Moving an input that this strategy never meets leaves every run as it was: same seeds, same numbers.
    const idle = runExperiment({
      ...spec(example, ['compliant'], {}, 100),
      sensitivityRuns: 100,
      sensitivityItems: ['triggers.armed-attack.depth'],
    });
    expect(idle.sensitivity!.rows[0]!.low).toBe(idle.sensitivity!.base);
    expect(idle.sensitivity!.rows[0]!.high).toBe(idle.sensitivity!.base);
  });
});

describe('the model', () => {
  it('is deterministic for a seed, and a different seed gives different runs', () => {
    const a = runExperiment(spec(example, ['surge', 'salami'], {}, 200, 5));
    const b = runExperiment(spec(example, ['surge', 'salami'], {}, 200, 5));
    const c = runExperiment(spec(example, ['surge', 'salami'], {}, 200, 6));
    expect(a).toEqual(b);
    expect(c.strategies[0]!.groundKm.mean).not.toBe(a.strategies[0]!.groundKm.mean);
  });

  it('gives the same records whatever the chunking of runs into tasks', () => {
    const s = spec(example, ['probe-and-escalate', 'deniable'], {}, 90);
    expect(runExperiment(s, 7)).toEqual(runExperiment(s, 250));
  });

  it('keeps a compliant adversary from collapsing or eroding the ceasefire', () => {
    const r = run(example, 'compliant');
    expect(r.outcomes.collapse.share).toBe(0);
    expect(r.outcomes.hold.share).toBeGreaterThan(0.95);
    expect(r.violations.committed).toBeGreaterThan(0); // accidents still happen
    expect(r.responseDays.noViolationShare).toBe(1);
  });

  it('makes salami erode, not collapse, and gain ground below the depth trigger', () => {
    const r = run(example, 'salami', {}, 100);
    expect(r.outcomes.collapse.share).toBe(0);
    expect(r.outcomes.erode.share).toBeGreaterThan(0.9);
    expect(r.groundKm.mean).toBeGreaterThan(10);
    expect(r.violations.punished / r.violations.committed).toBeLessThan(0.1);
  });

  it('leaves salami no slice when every act can meet a trigger on its own', () => {
    const strict = edit((p) => {
      for (const t of Object.values(p.triggers)) {
        t.count = 1;
        t.evidence = { 'independent-sources': 1 };
      }
      p.triggers['catch-all'] = {
        on: Object.keys(p.prohibitions),
        evidence: { 'independent-sources': 1 },
        severity: 'minor',
      };
    });
    const r = run(strict, 'salami', {}, 50);
    expect(r.outcomes.collapse.share).toBe(0);
    // Only accidents and the creeping advance remain (creep is blocked too: a count-1 trigger sees the advance).
    expect(r.violations.committed).toBeLessThan(10);
    expect(r.groundKm.mean).toBe(0);
  });

  it('keeps counting acts beyond the per-run record limit', () => {
    // 24 acts a day for three years: more than the 16,384 acts a run follows one by one.
    const free = edit((p) => (p.triggers = {}));
    const s = spec(free, ['salami'], {}, 2);
    s.strategies[0]!.options = strategies['salami']!.options.parse({ 'max-rate': 24 });
    const r = runExperiment(s).strategies[0]!;
    expect(r.violations.committed).toBeGreaterThan(24 * 1000);
    expect(r.violations.detected).toBeGreaterThan(16384);
    expect(r.outcomes.erode.share).toBe(1);
  });

  it('collapses more often when nothing responds', () => {
    const none = edit((p) => (p.responses = {}));
    // The example's monitors and force are on the ground: peacekeeping 0 isolates the responses (presence.test.ts).
    const base = run(example, 'surge', { peacekeeping: 0 });
    const bare = run(none, 'surge', { peacekeeping: 0 });
    expect(bare.outcomes.collapse.share).toBeGreaterThan(base.outcomes.collapse.share + 0.2);
    expect(bare.responseDays.noResponseShare).toBe(1);
    expect(bare.violations.punished).toBe(0);
  });

  it('collapses less often when every response is automatic than when none is', () => {
    const all = edit((p) =>
      Object.values(p.responses)
        .flat()
        .forEach((r) => (r.automatic = true)),
    );
    const none = edit((p) =>
      Object.values(p.responses)
        .flat()
        .forEach((r) => (r.automatic = false)),
    );
    expect(run(all, 'surge').outcomes.collapse.share).toBeLessThan(run(none, 'surge').outcomes.collapse.share);
  });

  it('declares nothing when there is no judgment body', () => {
    const r = run(
      edit((p) => delete p.judgment),
      'probe-and-escalate',
      { peacekeeping: 0 },
      100,
    );
    expect(r.violations.declared).toBe(0);
    expect(r.outcomes.collapse.share).toBeGreaterThan(0.9);
  });

  it('deters offensives ex ante by the credibility of the response to an armed attack', () => {
    // Without a judgment nothing can be declared: credibility 0, so a surge always goes ahead (no third-party
    // presence holding it back: peacekeeping 0).
    expect(
      run(
        edit((p) => delete p.judgment),
        'surge',
        { peacekeeping: 0 },
      ).offensivesPerRun,
    ).toBe(1);
    const m = compile(example, resolveParams(example), 'RU');
    const strong = edit((p) =>
      p.responses['armed-attack']!.push({
        by: 'US',
        do: 'mutual-defence',
        within: DAY,
        automatic: true,
        upon: 'declaration',
      }),
    );
    const credible = compile(strong, resolveParams(strong), 'RU');
    expect(credible.responses[credible.severities.indexOf('armed-attack')]!.weight.at(-1)).toBe(1);
    const base = run(example, 'surge');
    const deterred = run(strong, 'surge');
    expect(deterred.offensivesPerRun).toBeLessThan(base.offensivesPerRun);
    expect(deterred.outcomes.collapse.share).toBeLessThan(base.outcomes.collapse.share);
    expect(m.actorForm[m.actors.indexOf('DE')]).toBe(0.9); // appropriation law
    expect(m.actorForm[m.actors.indexOf('UK')]).toBe(0.5); // only a political commitment
  });

  it('starts `upon: trigger` responses without any declaration, and weighs a response by its own legal form', () => {
    const selfJudged = (form: 'treaty' | 'political') =>
      edit((p) => {
        delete p.judgment;
        for (const r of Object.values(p.responses).flat()) {
          r.upon = 'trigger';
          r.form = form;
        }
      });
    const none = run(
      edit((p) => delete p.judgment),
      'surge',
    );
    const treaty = run(selfJudged('treaty'), 'surge');
    expect(none.violations.punished).toBe(0);
    expect(treaty.violations.declared).toBe(0);
    expect(treaty.violations.punished).toBeGreaterThan(0);
    expect(treaty.outcomes.collapse.share).toBeLessThan(none.outcomes.collapse.share - 0.2);
    const m = compile(selfJudged('political'), resolveParams(example), 'RU');
    const armed = m.responses[m.severities.indexOf('armed-attack')]!;
    expect([...armed.uponTrigger]).toEqual(armed.actor.length ? new Array(armed.actor.length).fill(1) : []);
    expect(armed.formWeight[0]).toBe(0.5);
    expect(run(selfJudged('political'), 'surge').offensivesPerRun).toBeGreaterThan(treaty.offensivesPerRun);
  });

  it('lets blinding lower detection', () => {
    const clear = run(example, 'blind-then-strike', { 'blind-factor': 1 });
    const dark = run(example, 'blind-then-strike', { 'blind-factor': 0 });
    expect(dark.violations.detected / dark.violations.committed).toBeLessThan(
      clear.violations.detected / clear.violations.committed,
    );
  });

  it('keeps deniable acts out of triggers unless attributed', () => {
    const hidden = run(example, 'deniable', { attribution: 0, 'offensive-attribution': 0 }, 200);
    const open = run(example, 'deniable', { attribution: 1, 'offensive-attribution': 1 }, 200);
    expect(hidden.violations.declared).toBe(0);
    expect(open.violations.declared).toBeGreaterThan(hidden.violations.declared);
    expect(open.outcomes.collapse.share).toBeLessThan(hidden.outcomes.collapse.share);
  });

  it('lets impunity embolden a probing adversary', () => {
    const calm = run(example, 'probe-and-escalate', { embolden: 0 }, 300);
    const bold = run(example, 'probe-and-escalate', { embolden: 0.2 }, 300);
    expect(bold.violations.committed).toBeGreaterThan(calm.violations.committed);
  });

  it('lets lapsed commitments after elections weaken responses', () => {
    // Every guarantor holds an election in month 2 and only a political promise; the surge comes in month 4.
    const fragile = edit((p) => {
      for (const a of Object.values(p.actors))
        if (a.role === 'guarantor')
          a.elections = [
            { start: p.effective.start + 60 * DAY, end: p.effective.start + 61 * DAY, precision: 'day', text: 'x' },
          ];
      p.sustainment.commitments = [];
    });
    const kept = run(fragile, 'surge', { 'lapse-political': 0 });
    const lapsed = run(fragile, 'surge', { 'lapse-political': 1 });
    expect(lapsed.outcomes.collapse.share).toBeGreaterThan(kept.outcomes.collapse.share + 0.1);
  });

  it('moves the collapse share with the armed-attack trigger depth and the advance rate', () => {
    const shallow = edit((p) => (p.triggers['armed-attack']!.depth = 500));
    const deep = edit((p) => (p.triggers['armed-attack']!.depth = 8000));
    expect(run(shallow, 'surge').outcomes.collapse.share).toBeLessThan(run(deep, 'surge').outcomes.collapse.share);
    expect(run(example, 'surge', { 'advance-rate': 2 }).outcomes.collapse.share).toBeLessThan(
      run(example, 'surge', { 'advance-rate': 10 }).outcomes.collapse.share,
    );
  });

  it('responds faster with a shorter judgment deadline when the body cannot decide', () => {
    // A body that never reaches a decision by vote: the deadline default alone declares.
    const stuck = (deadline: number) =>
      edit((p) => {
        p.judgment!.rule = { type: 'consensus' };
        p.judgment!.members = ['FR', 'UK', 'DE', 'US', 'CMM'];
        p.judgment!.deadline = deadline;
        p.judgment!['on-deadline'] = 'declare';
      });
    const fast = run(stuck(24 * HOUR), 'surge', { 'member-declare': 0 });
    const slow = run(stuck(7 * DAY), 'surge', { 'member-declare': 0 });
    expect(fast.responseDays.p50).toBeLessThan(slow.responseDays.p50);
    expect(fast.outcomes.collapse.share).toBeLessThan(slow.outcomes.collapse.share);
  });

  it('writes one record per run with consistent counts', () => {
    const s = spec(example, ['probe-and-escalate'], {}, 50);
    const rec = new Simulator(s).runTask({ variant: 0, strategy: 0, from: 0, to: 50 });
    for (let i = 0; i < 50; i++) {
      const o = i * FIELDS;
      expect(rec[o + F.detected]!).toBeLessThanOrEqual(rec[o + F.committed]!);
      expect(rec[o + F.punished]!).toBeLessThanOrEqual(rec[o + F.declared]!);
      expect(rec[o + F.declared]!).toBeLessThanOrEqual(rec[o + F.committed]!);
      expect(rec[o + F.days]!).toBeLessThanOrEqual(1096);
      if (rec[o + F.outcome] === 2) expect(rec[o + F.collapseDay]!).toBeGreaterThanOrEqual(0);
    }
  });
});

function binom(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - i + 1)) / i;
  return r;
}
