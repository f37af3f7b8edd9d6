import { describe, expect, it } from 'vitest';
import { run, runAfterFix, said } from '../sample.js';
import { uncontrolledZone } from './uncontrolled-zone.js';

describe('uncontrolled-zone', () => {
  it('is silent when each zone is policed or secured', () => expect(run(uncontrolledZone)).toEqual([]));
  it('reports a zone that is only monitored', () => {
    const f = run(uncontrolledZone, [{ set: ['control'], to: [{ zone: 'buffer', domain: 'land', monitors: 'M' }] }]);
    expect(f.map((x) => [x.code, said(x.args)])).toEqual([
      [
        'uncontrolled-zone',
        {
          zone: 'buffer',
          monitored: ' (it is only monitored)',
          consequence: 'a violator can move into it and hold it',
        },
      ],
    ]);
  });
  it('reports a domain where a prohibition applies and nobody polices', () => {
    const f = run(uncontrolledZone, [
      { set: ['zones', 'sky'], to: { kind: 'airspace', over: 'buffer', ceiling: '10km' } },
      { set: ['prohibitions', 'no-fly'], to: { binds: ['A'], activities: ['overflight'], inside: 'sky' } },
      { set: ['control', 1], to: { zone: 'sky', domain: 'land', polices: 'M' } },
    ]);
    expect(f.map((x) => [x.code, said(x.args)])).toEqual([
      ['uncontrolled-domain', { domain: 'air', zone: 'sky', prohibition: 'no-fly', activities: 'overflight' }],
    ]);
  });
  it('reports a package with no zones', () => {
    const f = run(uncontrolledZone, [
      { delete: ['zones'] },
      { delete: ['control'] },
      { delete: ['prohibitions', 'no-fire', 'inside'] },
      { delete: ['prohibitions', 'no-advance', 'across'] },
      { delete: ['verification', 'radar', 'covers'] },
      { delete: ['verification', 'acoustic', 'covers'] },
    ]);
    expect(f.map((x) => x.code)).toEqual(['no-zones']);
  });
  it('is fixed by naming who polices and secures', () =>
    expect(runAfterFix(uncontrolledZone, [{ delete: ['control'] }])).toEqual([]));
});
