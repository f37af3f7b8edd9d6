/** A response tier of consultation, reports, referral or mediation only: talk, not cost. */
import { addMaterialResponse } from '../fixes.js';
import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { materialActions } from '../../spec/vocabulary.js';

export const nonMaterialTier: Rule = {
  name: 'non-material-tier',
  codes: ['non-material-tier'],
  check({ model }) {
    const out: Finding[] = [];
    for (const [severity, tier] of Object.entries(model.responses)) {
      if (tier.length === 0 || tier.some((r) => materialActions.has(r.do))) continue;
      out.push({
        code: 'non-material-tier',
        path: ['responses', severity],
        prefer: 'key',
        args: { severity, actions: { list: [...new Set(tier.map((r) => r.do))] } },
        fix: {
          description: `Add automatic sanctions within 7 days to the \`${severity}\` response`,
          apply: (m) => addMaterialResponse(m, severity),
        },
      });
    }
    return out;
  },
};
