/** A trigger that does not say what proves a violation: every finding can be contested as unproven. */
import { edit, suggested } from '../fixes.js';
import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { itemAt } from '../../item-at.js';

export const triggerWithoutEvidence: Rule = {
  name: 'trigger-without-evidence',
  codes: ['trigger-without-evidence'],
  check({ model }) {
    const out: Finding[] = [];
    for (const [id, t] of Object.entries(model.triggers)) {
      const e = t.evidence;
      if (e && (e['independent-sources'] !== undefined || e.confidence !== undefined)) continue;
      out.push({
        code: 'trigger-without-evidence',
        path: ['triggers', id],
        prefer: 'key',
        args: { trigger: id },
        fix: {
          description: `Give trigger \`${id}\` an evidence threshold (one source at 0.8 confidence)`,
          apply: (m) => edit(m, (x) => (itemAt(x.triggers, id).evidence = { ...suggested.evidence })),
        },
      });
    }
    return out;
  },
};
