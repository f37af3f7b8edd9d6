/** Decay: a response obligation in political or executive form, which lapses without any breach of law. */
import { edit } from '../fixes.js';
import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { itemAt } from '../../item-at.js';

export const nonBindingResponse: Rule = {
  name: 'non-binding-response',
  codes: ['non-binding-response'],
  check({ model, view }) {
    const out: Finding[] = [];
    for (const [severity, tier] of Object.entries(model.responses)) {
      tier.forEach((r, i) => {
        if (r.form !== 'political' && r.form !== 'executive') return;
        out.push({
          code: 'non-binding-response',
          path: ['responses', severity, i, 'form'],
          args: {
            action: r.do,
            by: view.actorsIn(r.by).join(', '),
            severity,
            form: r.form === 'political' ? 'a political commitment' : 'an executive commitment',
          },
          fix: {
            description: `Anchor the \`${severity}\` ${r.do} obligation in a ratified treaty`,
            apply: (m) => edit(m, (x) => (itemAt(itemAt(x.responses, severity), i).form = 'treaty')),
          },
        });
      });
    }
    return out;
  },
};
