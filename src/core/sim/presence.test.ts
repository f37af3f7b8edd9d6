// Third-party presence on the ground (Fortna 2003, 2004: peacekeeping lengthens peace): who counts, and that it lowers
// the chance of an offensive by `peacekeeping` and by nothing else.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPackageAt as loadPackageFile } from '../../../test/support/package-file.js';
import type { Package } from '../spec/schema.js';
import { resolveParams, runExperiment, type SimulationReport } from './experiment.js';
import type { ModelParams } from './params.js';
import { thirdPartyPresence } from './presence.js';
import { strategies } from './strategies/index.js';

const historical = (f: string) => loadPackageFile(join('examples', 'historical', f)).model!;

function surge(pkg: Package, adversary: string, over: Partial<ModelParams> = {}): SimulationReport {
  return runExperiment({
    pkg,
    adversary,
    params: resolveParams(pkg, over),
    strategies: [{ name: 'surge', label: 'surge', options: strategies['surge']!.options.parse({}) }],
    seed: 7,
    runs: 800,
    sensitivityRuns: 0,
  });
}
const collapse = (r: SimulationReport) => r.strategies[0]!.outcomes.collapse;

describe('third-party presence', () => {
  it('counts outside actors with personnel on the ground, not the parties, their joint bodies or remote sensors', () => {
    // UNDOF polices the area of separation and patrols it.
    expect(thirdPartyPresence(historical('israel-syria-1974.yaml'))).toEqual(['UNDOF']);
    // The Military Armistice Commission is the two sides' joint body; the neutral nations' teams are outside both.
    expect(thirdPartyPresence(historical('korea-1953.yaml'))).toEqual(['NNSC']);
    // Minsk II's monitor works by satellite, drone and radar (point 3): detection, not presence.
    expect(thirdPartyPresence(historical('minsk-ii-2015.yaml'))).toEqual([]);
    expect(thirdPartyPresence(historical('nato-1949.yaml'))).toEqual([]);
  });

  const pkg = historical('israel-syria-1974.yaml');
  // The same package with UNDOF made a body of a party (a contributor of Syria's): the same sources and clauses, no
  // third party on the ground.
  const without: Package = {
    ...pkg,
    actors: { ...pkg.actors, UNDOF: { ...pkg.actors['UNDOF']!, contributors: ['SY'] } },
  };

  it('lowers the collapse share under surge; with peacekeeping 0 it changes nothing', () => {
    expect(thirdPartyPresence(without)).toEqual([]);
    const present = collapse(surge(pkg, 'SY'));
    const absent = collapse(surge(without, 'SY'));
    expect(present.ci95.high).toBeLessThan(absent.ci95.low);
    // With the effect switched off, presence is the only difference between the two and nothing differs.
    expect(surge(pkg, 'SY', { peacekeeping: 0 }).strategies).toEqual(
      surge(without, 'SY', { peacekeeping: 0 }).strategies,
    );
  });

  it('says so in the report', () => {
    expect(surge(pkg, 'SY').presence).toEqual(['UNDOF']);
    expect(surge(without, 'SY').presence).toEqual([]);
  });
});
