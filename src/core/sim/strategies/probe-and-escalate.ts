/**
 * Probe and escalate: small probes; after enough of them go unpunished, bursts of fire that meet a count trigger;
 * then blinding; then an offensive. A timely material response knocks it back a rung.
 */
import * as z from 'zod';
import { duration } from '../../spec/schema.js';
import { DAY } from '../../spec/units.js';
import type { Battlefield } from '../battlefield.js';
import { accessKinds, actKinds } from './kinds.js';
import type { StrategyModule } from './strategy.js';
import { itemAt } from '../../item-at.js';

const options = z.strictObject({
  'probe-rate': z.number().min(0).max(24).default(0.2).meta({ description: 'Probes (or bursts) a day at boldness 1' }),
  threshold: z
    .int()
    .min(1)
    .default(3)
    .meta({ description: 'Unpunished violations on one rung before climbing to the next' }),
  burst: z.int().min(1).default(3).meta({ description: 'Acts in one burst of fire on the second rung' }),
  'blind-days': duration
    .default(5 * DAY)
    .meta({ description: 'Days of blinding on the third rung before the offensive' }),
});

export const probeAndEscalate: StrategyModule<z.output<typeof options>> = {
  name: 'probe-and-escalate',
  summary:
    'probes; escalates to bursts, blinding and an offensive as violations go unpunished; backs off when punished',
  options,
  prepare(m, o) {
    const kinds = actKinds(m);
    const fire = m.backgroundKind >= 0 ? m.backgroundKind : (kinds[0] ?? -1);
    const access = accessKinds(m);
    const blindDays = o['blind-days'] / DAY;
    let level = 0;
    let unpunishedAtLevel = 0;
    let deterredSeen = 0;
    let blindFrom = 0;
    let wasOffensive = false;
    return {
      start() {
        level = 0;
        unpunishedAtLevel = 0;
        deterredSeen = 0;
        wasOffensive = false;
      },
      day(e: Battlefield, t: number) {
        if (e.deterred > deterredSeen) {
          deterredSeen = e.deterred;
          if (level > 0 && !e.offensiveActive) level--;
          unpunishedAtLevel = e.unpunished;
        }
        if (wasOffensive && !e.offensiveActive) {
          wasOffensive = false;
          level = 1;
          unpunishedAtLevel = e.unpunished;
        }
        if (level < 2 && e.unpunished - unpunishedAtLevel >= o.threshold) {
          level++;
          unpunishedAtLevel = e.unpunished;
          if (level === 2) blindFrom = t;
        }
        const rng = e.rng;
        switch (level) {
          case 0:
            if (kinds.length && rng.next() < o['probe-rate'] * e.bold)
              e.commit(itemAt(kinds, Math.floor(rng.next() * kinds.length)), t + rng.next(), true, false);
            break;
          case 1:
            if (fire >= 0 && rng.next() < o['probe-rate'] * e.bold) {
              const at = t + rng.next() * 0.5;
              for (let i = 0; i < o.burst; i++) e.commit(fire, at + i * 0.1, true, false);
            }
            break;
          case 2:
            e.blind(t + 1 + m.params['offensive-days']);
            for (const k of access) e.commit(k, t + rng.next(), true, false);
            if (t - blindFrom >= blindDays) level = 3;
            break;
          default:
            if (!e.offensiveActive) {
              if (e.decidesToAttack(t)) {
                e.launchOffensive(t + rng.next(), false);
                wasOffensive = true;
              } else {
                // Deterred at the brink: back to bursts of fire, and climb again only after more impunity.
                level = 1;
                unpunishedAtLevel = e.unpunished;
              }
            }
        }
      },
    };
  },
};
