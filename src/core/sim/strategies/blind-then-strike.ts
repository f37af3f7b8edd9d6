/**
 * Blind, then strike: denies the monitors access and jams their drones for some days, then launches an offensive
 * while they are still blinded (OSCE SMM practice: restrictions of movement and jamming were reported daily [C]).
 */
import * as z from 'zod';
import { duration } from '../../spec/schema.js';
import { DAY, MONTH } from '../../spec/units.js';
import type { Battlefield } from '../battlefield.js';
import { accessKinds } from './kinds.js';
import type { StrategyModule } from './strategy.js';

const options = z.strictObject({
  month: z.number().min(0).default(4).meta({ description: 'Month in which the offensive starts' }),
  'blind-days': duration.default(7 * DAY).meta({ description: 'How long access is denied before the strike' }),
});

export const blindThenStrike: StrategyModule<z.output<typeof options>> = {
  name: 'blind-then-strike',
  summary: 'denies monitors access and jams first, then strikes while detection is degraded',
  options,
  prepare(m, o) {
    const access = accessKinds(m);
    const blindDays = o['blind-days'] / DAY;
    let strike = 0;
    let launched = false;
    return {
      start(e: Battlefield) {
        strike = o.month * (MONTH / DAY) + e.rng.next() * 7;
        launched = false;
      },
      day(e: Battlefield, t: number) {
        if (launched || t + 1 < strike - blindDays) return;
        e.blind(strike + m.params['offensive-days']);
        for (const k of access) e.commit(k, t + e.rng.next(), true, false);
        if (strike < t + 1) {
          // Deterred at the last moment, it stops blinding and stands down.
          if (e.decidesToAttack(t)) e.launchOffensive(Math.max(strike, t), false);
          else e.blind(t + 1);
          launched = true;
        }
      },
    };
  },
};
