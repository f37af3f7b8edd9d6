/** A judgment with no deadline, or with no rule (or a dismissive one) for when the deadline passes. */
import { edit, suggested } from '../fixes.js';
import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { present } from '../../item-at.js';

export const judgmentDeadline: Rule = {
  name: 'judgment-deadline',
  codes: ['judgment-no-deadline', 'judgment-no-default'],
  check({ model }) {
    const j = model.judgment;
    if (!j) return [];
    const out: Finding[] = [];
    if (j.deadline === undefined) {
      out.push({
        code: 'judgment-no-deadline',
        path: ['judgment'],
        prefer: 'key',
        args: {},
        fix: {
          description: 'Give the judgment a 48-hour deadline',
          apply: (m) => edit(m, (x) => (present(x.judgment, 'judgment').deadline = suggested.deadline)),
        },
      });
    }
    const d = j['on-deadline'];
    // Without a deadline there is nothing to default at; the missing deadline is the finding.
    if (j.deadline !== undefined && d !== 'declare') {
      const what =
        d === undefined ? 'nothing is decided' : d === 'dismiss' ? 'the case is dismissed' : 'the case stays undecided';
      out.push({
        code: 'judgment-no-default',
        path: d === undefined ? ['judgment'] : ['judgment', 'on-deadline'],
        prefer: d === undefined ? 'key' : 'value',
        args: { what },
        fix: {
          description: 'Let the finding stand when the judgment deadline passes (`on-deadline: declare`)',
          apply: (m) =>
            edit(m, (x) => {
              present(x.judgment, 'judgment')['on-deadline'] = 'declare';
              if (present(x.judgment, 'judgment').deadline === undefined)
                present(x.judgment, 'judgment').deadline = suggested.deadline;
            }),
        },
      });
    }
    return out;
  },
};
