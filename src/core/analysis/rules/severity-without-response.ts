/** A severity that a trigger produces but no response tier answers: the breach costs the violator nothing. */
import { addMaterialResponse } from '../fixes.js';
import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';

export const severityWithoutResponse: Rule = {
  name: 'severity-without-response',
  codes: ['severity-without-response'],
  check({ model }) {
    const out: Finding[] = [];
    const done = new Set<string>();
    for (const [id, t] of Object.entries(model.triggers)) {
      if (done.has(t.severity) || (model.responses[t.severity]?.length ?? 0) > 0) continue;
      done.add(t.severity);
      out.push({
        code: 'severity-without-response',
        path: ['triggers', id, 'severity'],
        args: { severity: t.severity, trigger: id },
        fix: {
          description: `Answer severity \`${t.severity}\` with automatic sanctions within 7 days`,
          apply: (m) => addMaterialResponse(m, t.severity),
        },
      });
    }
    return out;
  },
};
