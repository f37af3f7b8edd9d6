/**
 * Surge: keeps the ceasefire, then launches a major offensive at a chosen month, unless deterred (Battlefield
 * decidesToAttack: the credibility of the response to an armed attack, and boldness); a deterred adversary calls
 * the offensive off, or reconsiders every `retry-every` months. The default month, 4, sits inside the 65-193 days in
 * which CSIS finds larger ceasefire failures tend to occur [S/U].
 */
import * as z from 'zod';
import { MONTH, DAY } from '../../spec/units.js';
import type { Battlefield } from '../battlefield.js';
import type { StrategyModule } from './strategy.js';

const options = z.strictObject({
  month: z
    .number()
    .min(0)
    .default(4)
    .meta({ description: 'Month after the ceasefire takes effect in which the offensive starts' }),
  'retry-every': z
    .number()
    .positive()
    .nullable()
    .default(null)
    .meta({ description: 'Months after which a deterred adversary reconsiders; null: never' }),
});

export const surge: StrategyModule<z.output<typeof options>> = {
  name: 'surge',
  summary: 'keeps the ceasefire, then launches a major offensive at a chosen month',
  options,
  prepare(_m, o) {
    const month = MONTH / DAY;
    let at = 0;
    let launched = false;
    return {
      start(e: Battlefield) {
        at = o.month * month + e.rng.next() * 7;
        launched = false;
      },
      day(e: Battlefield, t: number) {
        if (launched || at >= t + 1) return;
        if (e.decidesToAttack(t)) {
          e.launchOffensive(Math.max(at, t), false);
          launched = true;
        } else if (o['retry-every'] === null) launched = true;
        else at += o['retry-every'] * month;
      },
    };
  },
};
