import { describe, expect, it } from 'vitest';
import { run, runAfterFix } from '../sample.js';
import { hedgeIn, hedgeWording } from './hedge-wording.js';

describe('hedge-wording', () => {
  it('is silent on operational wording', () => {
    expect(
      run(hedgeWording, [
        {
          set: ['responses', 'serious', 0, 'text'],
          to: 'The guarantors shall impose the agreed sanctions within three days.',
        },
      ]),
    ).toEqual([]);
  });
  it('finds the phrases the historical texts use, as whole words', () => {
    expect(hedgeIn('such action as it deems necessary, including the use of armed force')).toBe(
      'as it deems necessary',
    );
    expect(hedgeIn('seek immediate United Nations Security Council action')).toBe('seek');
    expect(hedgeIn('will use their BEST  EFFORTS to')).toBe('best efforts');
    expect(hedgeIn('take appropriate measures')).toBe('appropriate measures');
    expect(hedgeIn('the seeker of truth')).toBeUndefined();
  });
  it('names the clause and counts against the dimension of its section', () => {
    const f = run(hedgeWording, [
      { set: ['responses', 'armed-attack', 0, 'text'], to: 'will assist by taking such action as it deems necessary' },
      { set: ['judgment', 'text'], to: 'The Commission shall seek to agree.' },
    ]);
    expect(f.map((x) => [x.path, x.args, x.dimension])).toEqual([
      [['judgment', 'text'], { phrase: 'seek', clause: '`judgment`' }, 'judgment'],
      [
        ['responses', 'armed-attack', 0, 'text'],
        { phrase: 'as it deems necessary', clause: 'the `armed-attack` response 1' },
        'response',
      ],
    ]);
  });
  it('is fixed by replacing the hedge', () =>
    expect(runAfterFix(hedgeWording, [{ set: ['triggers', 'fire', 'text'], to: 'Best efforts apply.' }])).toEqual([]));
});
