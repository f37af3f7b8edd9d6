/**
 * A judgment body whose voting rule the text does not publish (a mixed commission whose procedure is left to
 * itself; a council acting by an unstated practice). The analysis does not invent a rule: it reads the worst case,
 * that any member's objection blocks (judgment-power.ts), and says that nobody can know what a finding needs.
 */
import { edit } from '../fixes.js';
import type { Finding } from '../finding.js';
import { judgmentPower } from '../judgment-power.js';
import type { Rule } from '../rule.js';
import { present } from '../../item-at.js';

export const unpublishedRule: Rule = {
  name: 'unpublished-rule',
  codes: ['unpublished-rule'],
  check({ model, view }) {
    const j = model.judgment;
    if (!j || j.rule.type !== 'unpublished') return [];
    const power = judgmentPower(j, view);
    const out: Finding = {
      code: 'unpublished-rule',
      path: ['judgment', 'rule', 'type'],
      args: { body: j.body, count: power.eligible.length },
      fix: {
        description: 'Publish the rule: decide by simple majority, the bound parties recused',
        apply: (m) =>
          edit(m, (x) => {
            present(x.judgment, 'judgment').rule.type = 'majority';
            present(x.judgment, 'judgment').recuse = 'parties';
          }),
      },
    };
    return [out];
  },
};
