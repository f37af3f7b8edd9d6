import { describe, expect, it } from 'vitest';
import { buildView, domainsNeeded } from './package-view.js';
import { samplePackage } from './sample.js';

const view = buildView(
  samplePackage([
    { set: ['zones', 'left'], to: { kind: 'buffer', around: 'line', width: '5km', side: 'left' } },
    { set: ['zones', 'right'], to: { kind: 'buffer', around: 'line', width: '5km', side: 'right' } },
    { set: ['zones', 'sky'], to: { kind: 'airspace', over: 'left', ceiling: '10km' } },
    { set: ['zones', 'lane'], to: { kind: 'corridor', geometry: 'data/line.geojson', width: '5km' } },
    { set: ['actors', 'JC'], to: { name: 'Joint', role: 'body', contributors: ['A', 'B'] } },
  ]),
);

describe('package view', () => {
  it('relates zones by how they are defined', () => {
    expect(view.overlaps('line', 'buffer')).toBe(true);
    expect(view.overlaps('left', 'buffer')).toBe(true);
    expect(view.overlaps('left', 'right')).toBe(false);
    expect(view.overlaps('sky', 'left')).toBe(true);
    expect(view.overlaps('sky', 'right')).toBe(false);
    expect(view.overlaps('lane', 'buffer')).toBe(false);
    expect(view.lineOf('sky')).toBe('line');
  });
  it('counts bound actors and bodies staffed only by them as parties', () => {
    expect([...view.parties].sort()).toEqual(['A', 'B']);
    expect(view.isPartyControlled('JC')).toBe(true);
    expect(view.isPartyControlled('F')).toBe(false);
  });
  it('expands groups', () => {
    expect(view.actorsIn('guarantors')).toEqual(['G1', 'G2']);
    expect(view.actorsIn(['members', 'G1'])).toEqual(['G1', 'G2', 'M']);
  });
  it('needs air for airspace, sea for naval acts in a corridor, land otherwise', () => {
    const z = view.model.zones;
    expect(domainsNeeded(z['sky']!, ['drone-strike'])).toEqual(['air']);
    expect(domainsNeeded(z['lane']!, ['naval-strike', 'mine-laying'])).toEqual(['sea']);
    expect(domainsNeeded(z['buffer']!, ['mine-laying', 'overflight'])).toEqual(['air', 'land']);
  });
});
