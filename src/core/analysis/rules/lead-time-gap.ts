/** Decay: a commitment whose lead time is longer than the stocks on hand last: a gap before the first delivery. */
import { edit } from '../fixes.js';
import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { duration } from '../wording.js';
import { itemAt } from '../../item-at.js';

export const leadTimeGap: Rule = {
  name: 'lead-time-gap',
  codes: ['lead-time-gap'],
  check({ sustainment }) {
    const out: Finding[] = [];
    for (const g of sustainment.leadGaps) {
      out.push({
        code: 'lead-time-gap',
        path: ['sustainment', 'commitments', g.n - 1, 'lead-time'],
        args: {
          n: g.n,
          by: g.by,
          requirement: g.requirement,
          lead: { duration: g.lead },
          stock: g.stock > 0 ? duration(g.stock) : 'zero time',
        },
        fix: {
          description: `Stock \`${g.requirement}\` for ${duration(g.lead)}, the longest lead time`,
          apply: (m) =>
            edit(
              m,
              (x) =>
                (itemAt(x.sustainment.requirements, g.requirement).stock = Math.max(
                  g.lead,
                  itemAt(x.sustainment.requirements, g.requirement).stock ?? 0,
                )),
            ),
        },
      });
    }
    return out;
  },
};
