/** No response to any breach at all. */
import { edit, materialResponse } from '../fixes.js';
import type { Rule } from '../rule.js';

export const noResponses: Rule = {
  name: 'no-responses',
  codes: ['no-responses'],
  check({ model }) {
    if (Object.keys(model.prohibitions).length === 0) return [];
    if (Object.values(model.responses).some((t) => t.length > 0)) return [];
    const severities = [...new Set(Object.values(model.triggers).map((t) => t.severity))];
    return [
      {
        code: 'no-responses',
        path: Object.keys(model.triggers).length ? ['triggers'] : ['prohibitions'],
        prefer: 'key',
        args: {},
        ...(severities.length
          ? {
              fix: {
                description: `Answer ${severities.map((s) => `\`${s}\``).join(', ')} with automatic sanctions within 7 days`,
                apply: (m) => edit(m, (x) => severities.forEach((s) => (x.responses[s] = [materialResponse()]))),
              },
            }
          : {}),
      },
    ];
  },
};
