/**
 * Decay: a political or executive commitment that runs past its guarantor's election. Such commitments lapse with
 * a government (the United States calls the Budapest Memorandum "not legally binding", a "political commitment").
 */
import { edit } from '../fixes.js';
import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { itemAt } from '../../item-at.js';

export const electionRisk: Rule = {
  name: 'election-risk',
  codes: ['election-risk'],
  check({ sustainment }) {
    const out: Finding[] = [];
    for (const e of sustainment.electionRisks) {
      out.push({
        code: 'election-risk',
        path: ['sustainment', 'commitments', e.n - 1, 'form'],
        args: { form: e.form, n: e.n, by: e.by, requirement: e.requirement, date: e.date },
        related: [{ message: `${e.by}'s elections`, path: ['actors', e.by, 'elections'] }],
        fix: {
          description: `Put commitment ${e.n} (${e.by}, \`${e.requirement}\`) into an appropriation law`,
          apply: (m) => edit(m, (x) => (itemAt(x.sustainment.commitments, e.n - 1).form = 'appropriation-law')),
        },
      });
    }
    return out;
  },
};
