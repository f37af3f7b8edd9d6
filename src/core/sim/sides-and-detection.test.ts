// Sides and detection in the simulation (issue 21): the model knows whom the guarantee protects, so swapping the
// adversary changes the outcome and a response protecting A is not set off by A's own violations; and detection
// gates deterrence, so a guarantee nobody can trigger deters nothing.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPackageAt as loadPackageFile } from '../../../test/support/package-file.js';
import type { Package } from '../spec/schema.js';
import { compile } from './compile.js';
import { Engine } from './engine.js';
import { resolveParams, runExperiment, type SimulationReport } from './experiment.js';
import type { ModelParams } from './params.js';
import { Xoshiro128 } from './rng.js';
import { strategies } from './strategies/index.js';

const example = loadPackageFile(join('examples', 'ukraine-2026.yaml')).model!;
const attacks = ['surge', 'blind-then-strike', 'probe-and-escalate'];

function sim(
  pkg: Package,
  adversary: string,
  names: string[],
  over: Partial<ModelParams> = {},
  runs = 600,
): SimulationReport {
  return runExperiment({
    pkg,
    adversary,
    params: resolveParams(pkg, over),
    strategies: names.map((n) => ({ name: n, label: n, options: strategies[n]!.options.parse({}) })),
    seed: 21,
    runs,
    sensitivityRuns: 0,
  });
}
const result = (r: SimulationReport, name: string) => r.strategies.find((s) => s.strategy === name)!;

describe('sides', () => {
  const asRU = sim(example, 'RU', attacks);
  const asUA = sim(example, 'UA', attacks);

  it('changes the outcome shares when the adversary is swapped on an asymmetric package', () => {
    for (const name of attacks) {
      const ru = result(asRU, name).outcomes.collapse;
      const ua = result(asUA, name).outcomes.collapse;
      // Nothing protects the other side against the protected state: it collapses more, intervals apart.
      expect(ua.ci95.low, name).toBeGreaterThan(ru.ci95.high);
    }
  });

  it('does not set off the responses that protect the violator', () => {
    const m = compile(example, resolveParams(example), 'UA');
    for (const r of m.responses) expect(r.actor.length).toBe(0);
    const e = new Engine(m, new Xoshiro128());
    expect(e.credibility(100)).toBe(0);
    for (const name of attacks) {
      expect(result(asUA, name).violations.punished, name).toBe(0);
      expect(result(asUA, name).responseDays.n, name).toBe(0);
      // Against RU the same responses answer.
      expect(result(asRU, name).violations.punished, name).toBeGreaterThan(0);
    }
  });

  it('keeps a reciprocal guarantee answering either side', () => {
    const reciprocal = structuredClone(example);
    reciprocal.actors['UA'] = { ...reciprocal.actors['UA']!, role: 'party' };
    const m = compile(reciprocal, resolveParams(reciprocal), 'UA');
    expect(m.responses.some((r) => r.actor.length > 0)).toBe(true);
    expect(
      result(sim(reciprocal, 'UA', ['probe-and-escalate'], {}, 200), 'probe-and-escalate').violations.punished,
    ).toBeGreaterThan(0);
  });

  it('never has the violator respond to its own acts', () => {
    const budapest = loadPackageFile(join('examples', 'historical', 'budapest-1994.yaml')).model!;
    const m = compile(budapest, resolveParams(budapest), 'RU');
    const ru = m.actors.indexOf('RU');
    for (const r of m.responses) expect([...r.actor]).not.toContain(ru);
  });
});

// No source the package names can see anything, and the protected side's own report is switched off too.
const blind: Package = { ...structuredClone(example), verification: {} };
const unanswered: Package = { ...structuredClone(blind), responses: {} };
const noVictim = { 'victim-report': 0 };

describe('detection gates deterrence', () => {
  it('collapses a package no source can see at least as often as the same package without responses', () => {
    const a = result(sim(blind, 'RU', ['surge'], noVictim, 1000), 'surge');
    const b = result(sim(unanswered, 'RU', ['surge'], noVictim, 1000), 'surge');
    expect(a.violations.detected).toBe(0);
    expect(a.violations.punished).toBe(0);
    expect(a.outcomes.collapse.share).toBeGreaterThanOrEqual(b.outcomes.collapse.share);
    // And far more often than the package with its sources, which an attacker expects to be answered.
    const seen = result(sim(example, 'RU', ['surge'], noVictim, 1000), 'surge');
    expect(a.outcomes.collapse.ci95.low).toBeGreaterThan(seen.outcomes.collapse.ci95.high);
  });

  it('computes credibility as seen x declared x answered', () => {
    const m = compile(blind, resolveParams(blind, noVictim), 'RU');
    const e = new Engine(m, new Xoshiro128());
    e.rng.reseed(1, 0, 0);
    // A run's first day: lapses drawn, nothing lapsed yet.
    expect(e.credibility(0)).toBe(0);
    const seen = compile(example, resolveParams(example), 'RU');
    const e2 = new Engine(seen, new Xoshiro128());
    const runner = strategies['compliant']!.prepare(seen, {});
    e2.rng.reseed(1, 0, 0);
    e2.run(runner, new Float64Array(16), 0);
    expect(e2.credibility(0)).toBeGreaterThan(0.3);
  });
});

describe('the report shows the detection chain', () => {
  it('gives the links of the best trigger on day 0, and zero where nothing can be set off', () => {
    const r = sim(example, 'RU', ['compliant'], {}, 10);
    expect(r.credibility.trigger).not.toBe('');
    const c = r.credibility;
    expect(c.credibility).toBeCloseTo(
      c.seen * (1 - (1 - c.declared * c.answeredOnDeclaration) * (1 - c.answeredUponTrigger)),
      12,
    );
    const blindReport = sim(blind, 'RU', ['compliant'], noVictim, 10);
    expect(blindReport.credibility).toMatchObject({ trigger: '', credibility: 0 });
  });
});
