/** A trigger that counts violations with no window: the count can be spread over any length of time. */
import { edit } from '../fixes.js';
import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { DAY } from '../../spec/units.js';
import { itemAt, present } from '../../item-at.js';

export const countWithoutWindow: Rule = {
  name: 'count-without-window',
  codes: ['count-without-window'],
  check({ model }) {
    const out: Finding[] = [];
    for (const [id, t] of Object.entries(model.triggers)) {
      if ((t.count ?? 1) <= 1 || t.within !== undefined) continue;
      out.push({
        code: 'count-without-window',
        path: ['triggers', id, 'count'],
        args: { trigger: id, count: present(t.count, 'count') },
        fix: {
          description: `Count the violations of trigger \`${id}\` within 7 days`,
          apply: (m) => edit(m, (x) => (itemAt(x.triggers, id).within = 7 * DAY)),
        },
      });
    }
    return out;
  },
};
