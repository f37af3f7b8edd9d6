/**
 * Deniable: violations by unmarked forces and proxies whose attribution mostly stays undetermined, so they meet
 * no trigger; then a deniable offensive, attributed only after some days.
 */
import * as z from 'zod';
import { MONTH, DAY } from '../../spec/units.js';
import type { Battlefield } from '../battlefield.js';
import { actKinds } from './kinds.js';
import type { StrategyModule } from './strategy.js';
import { itemAt } from '../../item-at.js';

const options = z.strictObject({
  rate: z.number().min(0).max(24).default(0.3).meta({ description: 'Deniable acts a day at boldness 1' }),
  month: z
    .number()
    .min(0)
    .nullable()
    .default(6)
    .meta({ description: 'Month of the deniable offensive; null for none' }),
});

export const deniable: StrategyModule<z.output<typeof options>> = {
  name: 'deniable',
  summary: 'acts whose attribution stays undetermined, then a deniable offensive',
  options,
  prepare(m, o) {
    const kinds = actKinds(m);
    let at = Infinity;
    let launched = false;
    return {
      start(e: Battlefield) {
        at = o.month === null ? Infinity : o.month * (MONTH / DAY) + e.rng.next() * 7;
        launched = false;
      },
      day(e: Battlefield, t: number) {
        if (kinds.length && e.rng.next() < o.rate * e.bold) {
          e.commit(itemAt(kinds, Math.floor(e.rng.next() * kinds.length)), t + e.rng.next(), true, true);
        }
        if (!launched && at < t + 1) {
          if (e.decidesToAttack(t, true)) e.launchOffensive(Math.max(at, t), true);
          launched = true;
        }
      },
    };
  },
};
