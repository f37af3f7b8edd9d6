import { describe, expect, it } from 'vitest';
import { examplePackage } from '../../../test/support/app.js';
import { RegionIndex, regionalStatus } from './regional-status.js';

const index = new RegionIndex(examplePackage);

describe('RegionIndex', () => {
  it('places cities in their oblasts and the sea in none', () => {
    expect(index.regions).toHaveLength(27);
    expect(index.locate(24.03, 49.84)).toBe('UA-46'); // Lviv
    expect(index.locate(37.8, 48.0)).toBe('UA-14'); // Donetsk
    expect(index.locate(36.23, 49.99)).toBe('UA-63'); // Kharkiv
    expect(index.locate(35.14, 47.84)).toBe('UA-23'); // Zaporizhzhia
    expect(index.locate(31.0, 43.5)).toBeUndefined(); // Black Sea
    expect(index.locate(13.4, 52.5)).toBeUndefined(); // Berlin
  });
});

describe('regionalStatus', () => {
  const violation = (region: string | undefined, lon?: number, lat?: number) => ({
    region,
    lon,
    lat,
    time: 5,
    status: 'active' as const,
  });

  it('counts active violations by region, locating point reports the pipeline left without one', () => {
    const out = regionalStatus(index, {
      violations: [
        violation('UA-14'),
        violation(undefined, 24.03, 49.84),
        { ...violation('UA-14'), status: 'withdrawn' as const },
      ],
      cases: [],
    });
    expect(out.find((r) => r.code === 'UA-14')).toMatchObject({ state: 'violations', violations: 1, lastViolation: 5 });
    expect(out.find((r) => r.code === 'UA-46')).toMatchObject({ state: 'violations', violations: 1 });
    expect(out.filter((r) => r.state === 'calm')).toHaveLength(25);
  });

  it('marks a declared breach, then a response under way once a guarantor acts (the store lists declared cases only)', () => {
    const state = (responding: boolean) =>
      regionalStatus(index, { violations: [], cases: [{ regions: ['UA-14'], responding }] }).find(
        (r) => r.code === 'UA-14',
      )!.state;
    expect(state(false)).toBe('breach');
    expect(state(true)).toBe('response');
  });
});
