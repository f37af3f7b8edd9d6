/**
 * A trigger that demands k independent sources for an act that fewer than k operators can see: the trigger can
 * never fire on that act, so the violator can choose it. Sources with the same operator are not independent.
 */
import { addSource, neutralActors } from '../fixes.js';
import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { itemAt } from '../../item-at.js';

export const independenceUnmet: Rule = {
  name: 'independence-unmet',
  codes: ['independence-unmet'],
  check({ model, view, timelines }) {
    const out: Finding[] = [];
    const neutral = neutralActors(view);
    for (const tl of timelines) {
      for (const act of tl.acts) {
        const n = act.operators.length;
        if (n === 0 || n >= tl.k) continue;
        const taken = new Set(act.operators.map((o) => o.operator));
        const operator = neutral.find((a) => !taken.has(a));
        const places = view.placesOf(itemAt(model.prohibitions, act.prohibition));
        out.push({
          code: 'independence-unmet',
          path: ['triggers', tl.trigger, 'evidence', 'independent-sources'],
          args: {
            trigger: tl.trigger,
            k: tl.k,
            n: { count: n, noun: 'operator' },
            operators: act.operators.map((o) => o.operator).join(', '),
            activity: act.activity,
          },
          ...(operator
            ? {
                fix: {
                  description: `Add a source run by ${operator} that detects ${act.activity}${places.length ? ` in ${places.join(', ')}` : ''}`,
                  apply: (m) => addSource(m, operator, [act.activity], places),
                },
              }
            : {}),
        });
      }
    }
    return out;
  },
};
