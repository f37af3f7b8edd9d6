/** No verification source at all: nothing prohibited can be observed. */
import { addSource, neutralActors } from '../fixes.js';
import type { Rule } from '../rule.js';
import type { Activity } from '../../spec/vocabulary.js';

export const noVerification: Rule = {
  name: 'no-verification',
  codes: ['no-verification'],
  check({ model, view }) {
    if (Object.keys(model.verification).length > 0) return [];
    const acts = [...new Set(Object.values(model.prohibitions).flatMap((p) => p.activities))].sort() as Activity[];
    if (acts.length === 0) return [];
    const operator = neutralActors(view)[0];
    return [
      {
        code: 'no-verification',
        path: ['prohibitions'],
        prefer: 'key',
        args: { count: acts.length },
        ...(operator
          ? {
              fix: {
                description: `Add a verification source run by ${operator} that detects every prohibited act`,
                apply: (m) => addSource(m, operator, acts),
              },
            }
          : {}),
      },
    ];
  },
};
