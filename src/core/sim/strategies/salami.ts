/**
 * Salami: repeated small violations kept just under what the package's triggers can see or count, plus a creeping
 * advance kept under the depth trigger. It never launches an offensive; it erodes.
 */
import * as z from 'zod';
import { duration } from '../../spec/schema.js';
import { DAY } from '../../spec/units.js';
import type { Battlefield } from '../battlefield.js';
import type { CompiledModel } from '../compile.js';
import { actKinds, canEvidence, rateUnderThreshold } from './kinds.js';
import type { StrategyModule } from './strategy.js';
import { itemAt } from '../../item-at.js';

const options = z.strictObject({
  'max-rate': z
    .number()
    .positive()
    .max(24)
    .default(1)
    .meta({ description: 'Most acts a day when no trigger constrains them' }),
  margin: z.number().min(0).max(2).default(0.1).meta({ description: "Spacing margin beyond the trigger's window" }),
  creep: z
    .number()
    .min(0)
    .max(1)
    .default(0.75)
    .meta({ description: "Each creep gains this share of the depth trigger's depth" }),
  'creep-every': duration.default(30 * DAY).meta({ description: 'Time between creeping advances' }),
  'free-creep': z
    .number()
    .min(0)
    .default(1)
    .meta({ description: 'Kilometres gained per creep when no trigger covers advances' }),
});

export const salami: StrategyModule<z.output<typeof options>> = {
  name: 'salami',
  summary:
    "repeated acts kept just under the triggers' count or evidence threshold, and a creeping advance under the depth trigger",
  options,
  prepare(m, o) {
    let kind = -1;
    let rate = 0;
    // The act it can repeat most often; between equals, one that no trigger can evidence at all.
    let hidden = false;
    for (const k of actKinds(m)) {
      const r = rateUnderThreshold(m, k, o['max-rate'], o.margin);
      const h = underWhich(m, k) === '';
      if (r > rate || (r === rate && r > 0 && h && !hidden)) {
        rate = r;
        kind = k;
        hidden = h;
      }
    }
    // Creeping: below the smallest depth trigger on the advance; not at all if a trigger without depth can see it.
    const adv = itemAt(m.kinds, m.advanceKind);
    let creepKm = adv.prohibition === '' ? 0 : o['free-creep'];
    let blocked = false;
    let minDepth = Infinity;
    for (const ti of adv.triggers) {
      const tr = itemAt(m.triggers, ti);
      if (!canEvidence(m, adv, ti)) continue;
      if (tr.depth > 0) minDepth = Math.min(minDepth, tr.depth);
      else if (tr.count < 2) blocked = true;
    }
    if (minDepth < Infinity) creepKm = o.creep * minDepth;
    if (blocked) creepKm = 0;
    const period = rate > 0 ? 1 / rate : Infinity;
    const binding = kind >= 0 ? underWhich(m, kind) : '';
    const what =
      kind < 0
        ? 'finds no act it can repeat without meeting a trigger'
        : `repeats ${itemAt(m.kinds, kind).activity} (${itemAt(m.kinds, kind).prohibition}) ${round(rate)} a day${rate >= o['max-rate'] ? ' (its most)' : ''}, ${binding ? `${rate >= o['max-rate'] ? 'under' : 'just under'} ${binding}` : 'which no trigger can evidence'}`;
    const creepText =
      creepKm > 0
        ? `; creeps ${round(creepKm)} km every ${round(o['creep-every'] / DAY)} days`
        : '; cannot creep unseen';
    const creepEvery = o['creep-every'] / DAY;
    let nextAct = 0;
    let nextCreep = 0;
    return {
      plan: what + creepText,
      start(e: Battlefield) {
        nextAct = 1 + e.rng.next() * Math.min(period, 7);
        nextCreep = 7 + e.rng.next() * creepEvery;
      },
      day(e: Battlefield, t: number) {
        while (kind >= 0 && nextAct < t + 1) {
          e.commit(kind, nextAct, true, false);
          nextAct += period;
        }
        if (creepKm > 0 && nextCreep < t + 1) {
          e.commit(m.advanceKind, nextCreep, true, false, creepKm, creepKm, 1);
          e.addGround(creepKm);
          nextCreep += creepEvery;
        }
      },
    };
  },
};

const round = (x: number) => Math.round(x * 100) / 100;

/** The trigger whose count binds the rate of kind `k`. */
function underWhich(m: CompiledModel, k: number): string {
  let best = '';
  let rate = Infinity;
  for (const ti of itemAt(m.kinds, k).triggers) {
    const tr = itemAt(m.triggers, ti);
    if (tr.depth > 0 || tr.count < 2 || !canEvidence(m, itemAt(m.kinds, k), ti)) continue;
    const r = (tr.count - 1) / tr.window;
    if (r < rate) {
      rate = r;
      best = `${tr.id} (${tr.count} within ${round(tr.window)} d)`;
    }
  }
  return best;
}
