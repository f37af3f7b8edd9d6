/** Decay: a commitment that ends before the horizon does, and the coverage it takes with it. */
import { edit } from '../fixes.js';
import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { itemAt } from '../../item-at.js';

export const commitmentCliff: Rule = {
  name: 'commitment-cliff',
  codes: ['commitment-cliff'],
  check({ sustainment }) {
    const out: Finding[] = [];
    for (const c of sustainment.cliffs) {
      out.push({
        code: 'commitment-cliff',
        path: ['sustainment', 'commitments', c.n - 1, 'until'],
        args: {
          n: c.n,
          by: c.by,
          requirement: c.requirement,
          month: c.month,
          left: { duration: c.left },
          before: { percent: c.before },
          after: { percent: c.after },
        },
        fix: {
          description: `Extend commitment ${c.n} (${c.by}, \`${c.requirement}\`) to the end of the horizon`,
          apply: (m) => edit(m, (x) => delete itemAt(x.sustainment.commitments, c.n - 1).until),
        },
      });
    }
    return out;
  },
};
