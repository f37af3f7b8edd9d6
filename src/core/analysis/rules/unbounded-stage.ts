/**
 * A ladder before the decision (negotiation, then conciliation, then arbitration; a joint commission that consults
 * before a commander decides) where a step has no time limit: the dispute can be held on that step for ever, so the
 * body at the top never decides. The timeline adds each step's `within` before the deadline (timeline.ts).
 */
import { edit } from '../fixes.js';
import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { itemAt, present } from '../../item-at.js';

export const unboundedStage: Rule = {
  name: 'unbounded-stage',
  codes: ['unbounded-stage'],
  check({ model, view }) {
    const out: Finding[] = [];
    (model.judgment?.before ?? []).forEach((st, i) => {
      if (st.within !== undefined) return;
      out.push({
        code: 'unbounded-stage',
        path: ['judgment', 'before', i],
        prefer: 'key',
        args: { n: i + 1, step: st.step, by: { list: view.actorsIn(st.by) } },
        fix: {
          description: `Give step ${i + 1} (${st.step}) a time limit of 7 days`,
          apply: (m) =>
            edit(
              m,
              (x) =>
                void (itemAt(present(present(x.judgment, 'judgment').before, 'before'), i).within = 7 * 86_400_000),
            ),
        },
      });
    });
    return out;
  },
};
