/** An assumption the timeline needs and the package does not state: the analysis says what it cannot compute. */
import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { isAdvance } from '../timeline.js';

export const missingAssumption: Rule = {
  name: 'missing-assumption',
  codes: ['missing-assumption'],
  check({ model }) {
    const out: Finding[] = [];
    const a = model.assumptions;
    if (a['advance-rate'] === undefined && Object.values(model.triggers).some((t) => isAdvance(model, t))) {
      out.push({
        code: 'missing-assumption',
        path: ['assumptions'],
        prefer: 'key',
        args: {
          assumption: 'advance-rate',
          consequence:
            'the depth a violator gains before the response (and the time to reach a `depth` trigger) is not computed',
        },
      });
    }
    if (
      a['national-decision'] === undefined &&
      Object.values(model.responses).some((t) => t.some((r) => !r.automatic))
    ) {
      out.push({
        code: 'missing-assumption',
        path: ['assumptions'],
        prefer: 'key',
        args: {
          assumption: 'national-decision',
          consequence: 'responses that are not automatic are timed as if national decisions took no time',
        },
      });
    }
    return out;
  },
};
