/**
 * A response owed by a coalition or bloc (an actor with `members`) that decides by unanimity or consensus, or by an
 * unpublished rule (read at its worst): any one member, a friend of the violator or a new government after an
 * election, can stop the whole coalition's response.
 */
import { edit } from '../fixes.js';
import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { itemAt } from '../../item-at.js';

export const coalitionUnanimity: Rule = {
  name: 'coalition-unanimity',
  codes: ['coalition-unanimity'],
  check({ model, view }) {
    const out: Finding[] = [];
    for (const [severity, rs] of Object.entries(model.responses)) {
      rs.forEach((r, i) => {
        for (const by of view.actorsIn(r.by)) {
          const a = model.actors[by];
          if (!a?.members || a.members.length < 2) continue;
          const rule = a.decides ?? 'unpublished';
          if (rule !== 'unanimity' && rule !== 'consensus' && rule !== 'unpublished') continue;
          out.push({
            code: 'coalition-unanimity',
            path: ['responses', severity, i, 'by'],
            args: {
              coalition: a.name,
              rule: rule === 'unpublished' ? 'an unstated rule (read as unanimity)' : rule,
              count: a.members.length,
              members: { list: a.members },
              action: r.do,
              severity,
            },
            fix: {
              description: `Have ${a.name} decide by qualified majority`,
              apply: (m) => edit(m, (x) => void (itemAt(x.actors, by).decides = 'qualified-majority')),
            },
          });
        }
      });
    }
    return out;
  },
};
