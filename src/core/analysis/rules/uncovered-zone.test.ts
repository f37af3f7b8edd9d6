import { describe, expect, it } from 'vitest';
import { run, runAfterFix } from '../sample.js';
import { uncoveredZone } from './uncovered-zone.js';

const port = [
  { set: ['zones', 'port'], to: { kind: 'corridor', geometry: 'data/line.geojson', width: '5km' } },
  { set: ['prohibitions', 'port-safety'], to: { binds: ['A'], activities: ['naval-strike'], inside: 'port' } },
];

describe('uncovered-zone', () => {
  it('is silent when sources see every zone in use', () => expect(run(uncoveredZone)).toEqual([]));
  it('reports a zone a prohibition uses that no source sees', () =>
    expect(run(uncoveredZone, port).map((f) => [f.path, f.args])).toEqual([[['zones', 'port'], { zone: 'port' }]]));
  it('ignores zones nothing uses', () => expect(run(uncoveredZone, [port[0]!])).toEqual([]));
  it('counts a source without `covers` as seeing everything', () =>
    expect(run(uncoveredZone, [...port, { delete: ['verification', 'radar', 'covers'] }])).toEqual([]));
  it('is fixed by extending a source', () => expect(runAfterFix(uncoveredZone, port)).toEqual([]));
});
