/**
 * Decay: what is committed against what is required, month by month. A requirement nobody commits to; one covered
 * on average below 90% of the months' need (the 90% is a design choice: a tenth short every month is still short).
 */
import { edit } from '../fixes.js';
import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { percent } from '../wording.js';
import { itemAt } from '../../item-at.js';

export const shortfallThreshold = 0.9;

export const sustainmentShortfall: Rule = {
  name: 'sustainment-shortfall',
  codes: ['sustainment-shortfall', 'requirement-uncommitted'],
  check({ model, sustainment }) {
    const out: Finding[] = [];
    const n = sustainment.requirements.length;
    const guarantor = Object.entries(model.actors).find(([, a]) => a.role === 'guarantor')?.[0];
    for (const r of sustainment.requirements) {
      const path = ['sustainment', 'requirements', r.id];
      const req = itemAt(model.sustainment.requirements, r.id);
      const gapPerYear = r.perMonth * 12 * (1 - r.meanCoverage);
      const fix =
        guarantor && gapPerYear > 0
          ? {
              description: `Have ${guarantor} commit the missing ${percent(1 - r.meanCoverage)} of \`${r.id}\` by treaty for the whole horizon`,
              apply: (m: typeof model) =>
                edit(m, (x) => {
                  const cur = x.assumptions.currency;
                  x.sustainment.commitments.push({
                    by: guarantor,
                    provides: r.id,
                    ...(req.amount
                      ? { amount: { amount: gapPerYear, currency: cur } }
                      : { quantity: Math.ceil(gapPerYear) }),
                    per: 'year',
                    from: x.effective,
                    form: 'treaty',
                  });
                }),
            }
          : undefined;
      if (r.commitments.length === 0) {
        out.push({
          code: 'requirement-uncommitted',
          path,
          prefer: 'key',
          args: { requirement: r.id },
          scale: 1 / n,
          ...(fix ? { fix } : {}),
        });
        continue;
      }
      if (r.meanCoverage >= shortfallThreshold) continue;
      out.push({
        code: 'sustainment-shortfall',
        path,
        prefer: 'key',
        args: {
          requirement: r.id,
          coverage: { percent: r.meanCoverage },
          short: r.shortMonths,
          months: r.series.filter((p) => p.required > 0).length,
        },
        scale: (1 - r.meanCoverage) / n,
        ...(fix ? { fix } : {}),
      });
    }
    return out;
  },
};
