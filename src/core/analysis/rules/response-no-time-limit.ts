/** A response with no `within`: "immediately" and "forthwith" are not deadlines anyone can hold a guarantor to. */
import { edit, suggested } from '../fixes.js';
import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { itemAt } from '../../item-at.js';

export const responseNoTimeLimit: Rule = {
  name: 'response-no-time-limit',
  codes: ['response-no-time-limit'],
  check({ model, view }) {
    const out: Finding[] = [];
    for (const [severity, tier] of Object.entries(model.responses)) {
      tier.forEach((r, i) => {
        if (r.within !== undefined) return;
        out.push({
          code: 'response-no-time-limit',
          path: ['responses', severity, i],
          args: { action: r.do, by: view.actorsIn(r.by).join(', ') || String(r.by), severity },
          fix: {
            description: `Give the \`${severity}\` ${r.do} response a 7-day time limit`,
            apply: (m) => edit(m, (x) => (itemAt(itemAt(x.responses, severity), i).within = suggested.responseWithin)),
          },
        });
      });
    }
    return out;
  },
};
