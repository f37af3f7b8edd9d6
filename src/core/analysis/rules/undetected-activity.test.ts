import { describe, expect, it } from 'vitest';
import { run, runAfterFix } from '../sample.js';
import { undetectedActivity } from './undetected-activity.js';

const mortars = [{ set: ['prohibitions', 'no-fire', 'activities'], to: ['artillery-fire', 'mortar-fire'] }];

describe('undetected-activity', () => {
  it('is silent when every prohibited act is detected where it is prohibited', () =>
    expect(run(undetectedActivity)).toEqual([]));
  it('reports an act no source detects, at the activity', () => {
    const f = run(undetectedActivity, mortars);
    expect(f.map((x) => [x.path, x.args])).toEqual([
      [
        ['prohibitions', 'no-fire', 'activities', 1],
        { activity: 'mortar-fire', prohibition: 'no-fire', where: ' in `buffer`' },
      ],
    ]);
    expect(f[0]!.scale).toBeCloseTo(1 / 3);
  });
  it('reports an act detected only outside the zone where it is prohibited', () => {
    const f = run(undetectedActivity, [
      { set: ['zones', 'rear'], to: { kind: 'buffer', around: 'line', width: '50km', side: 'right' } },
      { set: ['zones', 'front'], to: { kind: 'buffer', around: 'line', width: '5km', side: 'left' } },
      { set: ['verification', 'radar', 'covers'], to: ['front'] },
      { set: ['verification', 'acoustic', 'covers'], to: ['front'] },
      { set: ['prohibitions', 'no-fire', 'inside'], to: 'rear' },
    ]);
    expect(f.map((x) => x.args['activity'])).toEqual(['artillery-fire']);
  });
  it('is fixed by a source that detects it there', () => expect(runAfterFix(undetectedActivity, mortars)).toEqual([]));
});
