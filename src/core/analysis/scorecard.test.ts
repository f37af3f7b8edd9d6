import { describe, expect, it } from 'vitest';
import { catalogue } from '../diagnostics/catalogue.js';
import { rules } from './ruleset.js';
import { analyseSample } from './sample.js';
import { overallOf, score, weights } from './scorecard.js';

describe('scorecard', () => {
  it('gives the strong sample 100 on every dimension', () => {
    const s = analyseSample().scorecard;
    expect(s.overall).toBe(100);
    for (const d of Object.values(s.dimensions)) expect(d).toEqual({ score: 100, deductions: [] });
  });
  it('has a weight for every analysis code, and every rule code is catalogued', () => {
    const analysisCodes = catalogue
      .filter((c) => Number(c.code.slice(1)) >= 2000 && Number(c.code.slice(1)) < 3000)
      .map((c) => c.name)
      .sort();
    expect(Object.keys(weights).sort()).toEqual(analysisCodes);
    expect(rules.flatMap((r) => r.codes).sort()).toEqual(analysisCodes);
  });
  it('explains each score by its deductions, capped per code', () => {
    const s = score([
      { code: 'trigger-without-evidence', path: [], args: { trigger: 'a' } },
      { code: 'trigger-without-evidence', path: [], args: { trigger: 'b' } },
      { code: 'trigger-without-evidence', path: [], args: { trigger: 'c' } },
    ]);
    expect(s.dimensions.trigger.score).toBe(70);
    expect(s.dimensions.trigger.deductions.map((d) => d.points)).toEqual([15, 15]);
    expect(s.dimensions.trigger.deductions[0]!.message).toBe(
      'Trigger `a` sets no evidence threshold: a violator can contest every finding as unproven',
    );
  });
  it('holds the overall score down by the weakest dimension', () => {
    expect(
      overallOf({ trigger: 100, verification: 100, judgment: 100, response: 100, sustainment: 100, control: 100 }),
    ).toBe(100);
    expect(
      overallOf({ trigger: 100, verification: 100, judgment: 0, response: 100, sustainment: 100, control: 100 }),
    ).toBe(42);
    const weak = analyseSample([{ delete: ['judgment'] }]).scorecard;
    expect(weak.weakest).toBe('judgment');
    expect(weak.overall).toBeLessThan(Math.min(...Object.values(weak.dimensions).map((d) => d.score)) + 50);
  });
  it('is deterministic', () => {
    const a = analyseSample([{ delete: ['verification', 'acoustic'] }]).scorecard;
    const b = analyseSample([{ delete: ['verification', 'acoustic'] }]).scorecard;
    expect(a).toEqual(b);
  });
});
