/** Decay: money in a currency the package gives no exchange rate for; it cannot be summed and is left out. */
import type { Rule } from '../rule.js';

export const unconvertedCurrency: Rule = {
  name: 'unconverted-currency',
  codes: ['unconverted-currency'],
  check({ model, sustainment }) {
    return sustainment.unconverted.map((u) => ({
      code: 'unconverted-currency',
      path: u.path,
      args: { currency: u.currency, target: model.assumptions.currency, clause: u.clause },
    }));
  },
};
