/** Verification that only parties operate (or bodies staffed only by parties): the violator verifies itself. */
import { addSource, neutralActors } from '../fixes.js';
import type { Rule } from '../rule.js';
import type { Activity } from '../../spec/vocabulary.js';

export const partyVerification: Rule = {
  name: 'party-verification',
  codes: ['party-verification'],
  check({ model, view }) {
    const sources = Object.values(model.verification);
    if (sources.length === 0 || !sources.every((s) => view.isPartyControlled(s.operator))) return [];
    const acts = [...new Set(Object.values(model.prohibitions).flatMap((p) => p.activities))].sort() as Activity[];
    const operator = neutralActors(view)[0];
    return [
      {
        code: 'party-verification',
        path: ['verification'],
        prefer: 'key',
        args: { operators: [...new Set(sources.map((s) => s.operator))].join(', ') },
        ...(operator && acts.length
          ? {
              fix: {
                description: `Add a verification source run by ${operator}, who is bound by nothing`,
                apply: (m) => addSource(m, operator, acts),
              },
            }
          : {}),
      },
    ];
  },
};
