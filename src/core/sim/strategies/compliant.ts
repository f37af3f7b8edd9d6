/** The baseline: the adversary keeps the ceasefire; only accidental incidents happen. */
import * as z from 'zod';
import type { StrategyModule } from './strategy.js';

export const compliant: StrategyModule<Record<string, never>> = {
  name: 'compliant',
  summary: 'keeps the ceasefire; only accidental incidents occur',
  options: z.strictObject({}),
  prepare: () => ({ start() {}, day() {} }),
};
