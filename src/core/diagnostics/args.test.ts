import { describe, expect, it } from 'vitest';
import { renderArg } from './args.js';
import { fillTemplate } from './catalogue.js';
import { DAY, HOUR } from '../spec/units.js';

describe('diagnostic arguments are rendered in one place', () => {
  it('writes each unit as the analysis words it', () => {
    expect(renderArg({ duration: 5 * DAY + 4 * HOUR })).toBe('5 days 4 hours');
    expect(renderArg({ duration: Infinity })).toBe('no limit');
    expect(renderArg({ at: 36.5 * HOUR })).toBe('T+36.5h');
    expect(renderArg({ km: 2500 })).toBe('2.5 km');
    expect(renderArg({ km2: 17e6 })).toBe('17 km²');
    expect(renderArg({ percent: 0.333 })).toBe('33%');
    expect(renderArg({ list: ['UA', 'RU', 'FR'], conj: 'or' })).toBe('UA, RU or FR');
    expect(renderArg({ list: ['UA'] })).toBe('UA');
    expect(renderArg(4)).toBe('4');
    expect(renderArg({ count: 1, noun: 'operator' })).toBe('1 operator');
    expect(renderArg({ count: 3, noun: 'operator' })).toBe('3 operators');
    expect(renderArg({ count: 2, noun: 'entry', plural: 'entries' })).toBe('2 entries');
  });

  it('fills a template from data and leaves unknown placeholders visible', () => {
    expect(
      fillTemplate('{who} pays {share} for {left}; {missing}', {
        who: { list: ['FR', 'UK'] },
        share: { percent: 0.5 },
        left: { duration: 3 * DAY },
      }),
    ).toBe('FR and UK pays 50% for 72 hours; {missing}');
  });
});
