/**
 * Phases: a prohibition that `follows` another (the next phase of a withdrawal; a zone handed over at phase two)
 * but starts after its predecessor ends. In between, neither binds: the gap is a window the text opens itself.
 */
import { edit } from '../fixes.js';
import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import type { Package, Prohibition } from '../../spec/schema.js';
import { itemAt } from '../../item-at.js';

/** Milliseconds since the epoch at which a `from`/`until` rule falls: a duration after `effective`, or a date. */
export function startOf(m: Package, r: Prohibition['from'], end = false): number | undefined {
  if (r === undefined) return undefined;
  if ('after' in r) return m.effective.start + r.after;
  return end ? r.at.end : r.at.start;
}

const iso = (t: number) => new Date(t).toISOString().slice(0, 10);

export const phaseGap: Rule = {
  name: 'phase-gap',
  codes: ['phase-gap'],
  check({ model }) {
    const out: Finding[] = [];
    for (const [id, p] of Object.entries(model.prohibitions)) {
      if (p.follows === undefined) continue;
      const prev = model.prohibitions[p.follows];
      if (!prev) continue;
      const ends = startOf(model, prev.until, true);
      const starts = startOf(model, p.from) ?? model.effective.start;
      if (ends === undefined || starts <= ends) continue;
      out.push({
        code: 'phase-gap',
        path: ['prohibitions', id, 'from'],
        args: {
          prohibition: id,
          previous: p.follows,
          gap: { duration: starts - ends },
          end: iso(ends),
          activities: { list: prev.activities, conj: 'or' },
        },
        fix: {
          description: `Start \`${id}\` as soon as \`${p.follows}\` ends`,
          apply: (m) => edit(m, (x) => void (itemAt(x.prohibitions, id).from = { after: ends - x.effective.start })),
        },
      });
    }
    return out;
  },
};
