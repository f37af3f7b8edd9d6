/** No judgment body: nobody can declare a breach, so responses that wait for a declaration never start. */
import { edit, neutralActors, suggested } from '../fixes.js';
import type { Rule } from '../rule.js';

export const missingJudgment: Rule = {
  name: 'missing-judgment',
  codes: ['judgment-missing'],
  check({ model, view }) {
    if (model.judgment !== undefined || Object.keys(model.prohibitions).length === 0) return [];
    const members = neutralActors(view);
    return [
      {
        code: 'judgment-missing',
        path: Object.keys(model.responses).length ? ['responses'] : ['triggers'],
        prefer: 'key',
        args: {},
        ...(members.length
          ? {
              fix: {
                description: `Add a judgment body (${members.join(', ')}) deciding by majority within 48 hours, the finding standing by default`,
                apply: (m) =>
                  edit(m, (x) => {
                    x.judgment = {
                      body: 'Commission',
                      members,
                      rule: { type: 'majority' },
                      recuse: 'parties',
                      deadline: suggested.deadline,
                      'on-deadline': 'declare',
                    };
                  }),
              },
            }
          : {}),
      },
    ];
  },
};
