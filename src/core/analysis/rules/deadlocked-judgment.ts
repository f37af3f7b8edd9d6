/** A body made only of the opposing sides, with no tie-break: either side can deadlock every finding. */
import { edit } from '../fixes.js';
import { judgmentPower } from '../judgment-power.js';
import type { Rule } from '../rule.js';
import { present } from '../../item-at.js';

export const deadlockedJudgment: Rule = {
  name: 'deadlocked-judgment',
  codes: ['judgment-deadlock'],
  check({ model, view }) {
    const j = model.judgment;
    if (!j) return [];
    const power = judgmentPower(j, view);
    if (!power.twoSided) return [];
    return [
      {
        code: 'judgment-deadlock',
        path: ['judgment', 'members'],
        args: { sides: power.eligible.join(', ') },
        fix: {
          description: 'Add a tie-break: a deadlock declares the breach',
          apply: (m) => edit(m, (x) => (present(x.judgment, 'judgment')['tie-break'] = 'declare')),
        },
      },
    ];
  },
};
