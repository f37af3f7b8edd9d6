/** The adversary strategies a scenario can name. */
import { blindThenStrike } from './blind-then-strike.js';
import { compliant } from './compliant.js';
import { deniable } from './deniable.js';
import { probeAndEscalate } from './probe-and-escalate.js';
import { salami } from './salami.js';
import type { StrategyModule } from './strategy.js';
import { surge } from './surge.js';

export const strategies: Readonly<Record<string, StrategyModule<any>>> = {
  compliant,
  salami,
  'probe-and-escalate': probeAndEscalate,
  surge,
  'blind-then-strike': blindThenStrike,
  deniable,
};

export const strategyNames = Object.keys(strategies);
