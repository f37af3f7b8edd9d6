import { describe, expect, it } from 'vitest';
import type { Context } from '../spec/schema.js';
import { contextSchema } from '../spec/schema.js';
import { baselineEvidence, baselineOf, withBaseline } from './baseline.js';

const shares = [0, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 1];
const endings = ['victory', 'no-victory', undefined] as const;
const intensities = ['war', 'minor', undefined] as const;
const ctx = (ending?: Context['ending'], intensity?: Context['intensity']): Context => ({
  ...(ending ? { ending } : {}),
  ...(intensity ? { intensity } : {}),
  source: 'test',
});

describe('the war baseline', () => {
  it('states nothing when nothing is coded, and nothing for an agreement that no war preceded', () => {
    expect(baselineOf(undefined)).toEqual({ multiplier: 1, low: 1, high: 1, factors: [] });
    expect(baselineOf(ctx('no-war', 'no-war')).multiplier).toBe(1);
    for (const p of shares) expect(withBaseline(p, 1)).toBe(p);
  });

  it('never lets a victory raise the predicted collapse, whatever else is coded and whatever the simulation says', () => {
    for (const intensity of intensities)
      for (const p of shares) {
        const won = withBaseline(p, baselineOf(ctx('victory', intensity)).multiplier);
        const uncoded = withBaseline(p, baselineOf(ctx(undefined, intensity)).multiplier);
        const notWon = withBaseline(p, baselineOf(ctx('no-victory', intensity)).multiplier);
        expect(won).toBeLessThanOrEqual(uncoded);
        expect(uncoded).toBeLessThanOrEqual(notWon);
      }
  });

  it("orders each factor's levels as the dataset's recurrence shares order them", () => {
    const share = (c: { episodes: number; recurred: number }) => c.recurred / c.episodes;
    const e = baselineEvidence;
    for (const ending of endings) {
      const war = baselineOf(ctx(ending, 'war')).multiplier;
      const minor = baselineOf(ctx(ending, 'minor')).multiplier;
      expect(Math.sign(war - minor)).toBe(Math.sign(share(e.intensity.war) - share(e.intensity.minor)));
    }
  });

  it('keeps each multiplier inside its range, and a share per horizon inside [0, 1], rising with p and with m', () => {
    for (const ending of endings)
      for (const intensity of intensities) {
        const b = baselineOf(ctx(ending, intensity));
        expect(b.low).toBeLessThanOrEqual(b.multiplier);
        expect(b.high).toBeGreaterThanOrEqual(b.multiplier);
      }
    const ms = [0.2, 0.5, 0.9, 1, 1.1, 2, 5];
    for (const m of ms)
      for (let i = 1; i < shares.length; i++) {
        const p = withBaseline(shares[i]!, m);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
        expect(p).toBeGreaterThanOrEqual(withBaseline(shares[i - 1]!, m));
      }
    for (const p of shares.slice(1, -1))
      for (let j = 1; j < ms.length; j++) expect(withBaseline(p, ms[j]!)).toBeGreaterThan(withBaseline(p, ms[j - 1]!));
  });
});

describe('`context` in the language', () => {
  it('takes a coded ending and intensity with their source, each optional', () => {
    expect(contextSchema.parse({ ending: 'victory', intensity: 'minor', source: 'UCDP' })).toEqual({
      ending: 'victory',
      intensity: 'minor',
      source: 'UCDP',
    });
    expect(contextSchema.parse({ source: 'not coded' })).toEqual({ source: 'not coded' });
  });

  it('refuses an unknown word, a missing source, and no-war said of one part of a war', () => {
    const issue = (x: unknown) => contextSchema.safeParse(x).error?.issues[0];
    expect(issue({ ending: 'stalemate', source: 'x' })?.path).toEqual(['ending']);
    expect(issue({ ending: 'victory' })?.path).toEqual(['source']);
    expect(issue({ ending: 'no-war', intensity: 'war', source: 'x' })?.path).toEqual(['intensity']);
    expect(issue({ ending: 'no-war', intensity: 'no-war', source: 'x' })).toBeUndefined();
  });
});
