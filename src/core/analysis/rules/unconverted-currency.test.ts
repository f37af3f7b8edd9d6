import { describe, expect, it } from 'vitest';
import { run } from '../sample.js';
import { unconvertedCurrency } from './unconverted-currency.js';

describe('unconverted-currency', () => {
  it('is silent when every amount converts', () => {
    expect(
      run(unconvertedCurrency, [
        { set: ['sustainment', 'commitments', 1, 'amount'], to: '1e9 USD' },
        { set: ['assumptions', 'fx'], to: { USD: '0.92 EUR' } },
      ]),
    ).toEqual([]);
  });
  it('reports money with no rate to the package currency', () => {
    const f = run(unconvertedCurrency, [{ set: ['sustainment', 'commitments', 1, 'amount'], to: '1e9 USD' }]);
    expect(f.map((x) => [x.path, x.args])).toEqual([
      [['sustainment', 'commitments', 1, 'amount'], { currency: 'USD', target: 'EUR', clause: 'commitment 2 (G2)' }],
    ]);
  });
});
