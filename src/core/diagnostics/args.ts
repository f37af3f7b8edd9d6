/**
 * A diagnostic's arguments are data: names, counts, and quantities with their unit (a duration in milliseconds, a
 * distance in metres, a share). `renderArg` is the one place that turns them into the words the messages and help
 * texts show, so every diagnostic writes a unit the same way and a rule never formats English itself. Reasons that
 * are whole clauses (why a response never comes) are still composed by their rule, as sentences.
 */
import { at, duration, km, km2, list, percent, rate } from '../analysis/wording.js';

export type Measure =
  | { duration: number }
  | { at: number }
  | { km: number }
  | { km2: number }
  | { percent: number }
  | { rate: number }
  | { list: readonly string[]; conj?: 'and' | 'or' }
  /** A counted noun: `{ count: 1, noun: 'operator' }` is "1 operator", 2 is "2 operators". */
  | { count: number; noun: string; plural?: string };

export type Arg = string | number | Measure;
export type Args = Record<string, Arg>;

export function renderArg(a: Arg): string {
  if (typeof a === 'string') return a;
  if (typeof a === 'number') return String(a);
  if ('duration' in a) return duration(a.duration);
  if ('at' in a) return at(a.at);
  if ('km' in a) return km(a.km);
  if ('km2' in a) return km2(a.km2);
  if ('percent' in a) return percent(a.percent);
  if ('rate' in a) return rate(a.rate);
  if ('count' in a) return `${a.count} ${a.count === 1 ? a.noun : (a.plural ?? `${a.noun}s`)}`;
  return list(a.list, a.conj);
}
