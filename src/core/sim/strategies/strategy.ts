/** What an adversary strategy is: a module with options (a Zod schema, so a scenario file is checked) and a runner. */
import type { z } from 'zod';
import type { CompiledModel } from '../compile.js';
import type { Battlefield } from '../battlefield.js';

/** Per-run behaviour. A runner belongs to one thread and is reused across runs: `start` resets it. */
export interface StrategyRunner {
  /** What this strategy will do against this package, in a sentence for the report (e.g. which act salami repeats). */
  plan?: string;
  start(e: Battlefield): void;
  /** Called once per simulated day `t`, after the engine has applied that day's events. */
  day(e: Battlefield, t: number): void;
}

export interface StrategyModule<O = unknown> {
  name: string;
  /** One line for reports and docs. */
  summary: string;
  /** Options as a scenario writes them (kebab-case keys), with defaults. */
  options: z.ZodType<O>;
  prepare(model: CompiledModel, options: O): StrategyRunner;
}
