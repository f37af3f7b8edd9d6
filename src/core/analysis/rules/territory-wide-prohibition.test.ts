import { describe, expect, it } from 'vitest';
import { run } from '../sample.js';
import { territoryWideProhibition } from './territory-wide-prohibition.js';

const everywhere = { set: ['prohibitions', 'no-fire'], to: { binds: ['A', 'B'], activities: ['artillery-fire'] } };

describe('territory-wide-prohibition', () => {
  it('is silent when every prohibition says where (inside or across)', () =>
    expect(run(territoryWideProhibition, [])).toEqual([]));
  it('asks about a prohibition with no inside in a package with a contact line', () => {
    const f = run(territoryWideProhibition, [everywhere]);
    expect(f.map((x) => [x.args['prohibition'], x.args['activities'], x.args['line']])).toEqual([
      ['no-fire', { list: ['artillery-fire'], conj: 'or' }, 'line'],
    ]);
  });
  it('names only the acts that have a place', () => {
    const mixed = { ...everywhere, to: { ...everywhere.to, activities: ['nuclear-threat', 'missile-strike'] } };
    expect(run(territoryWideProhibition, [mixed]).map((x) => x.args['activities'])).toEqual([
      { list: ['missile-strike'], conj: 'or' },
    ]);
  });
  it('is silent for placeless acts alone (a threat, coercion, an attack on the monitors)', () => {
    const placeless = { ...everywhere, to: { ...everywhere.to, activities: ['nuclear-threat', 'jamming'] } };
    expect(run(territoryWideProhibition, [placeless])).toEqual([]);
  });
  it('is silent when the package draws no line', () => {
    const noLine = [
      everywhere,
      { set: ['zones'], to: { buffer: { kind: 'area', geometry: 'data/line.geojson' } } },
      { set: ['prohibitions', 'no-advance', 'inside'], to: 'buffer' },
      { delete: ['prohibitions', 'no-advance', 'across'] },
    ];
    expect(run(territoryWideProhibition, noLine)).toEqual([]);
  });
});
