/** A prohibited act that no source can detect where it is prohibited: the violator can do it unseen. */
import { addSource, neutralActors } from '../fixes.js';
import type { Finding } from '../finding.js';
import { inspectsTooSlowly } from '../inspection.js';
import type { Rule } from '../rule.js';

export const undetectedActivity: Rule = {
  name: 'undetected-activity',
  codes: ['undetected-activity'],
  check({ model, view }) {
    const sources = Object.values(model.verification);
    if (sources.length === 0) return [];
    const pairs = Object.entries(model.prohibitions).flatMap(([id, p]) =>
      p.activities.map((a, i) => ({ id, p, a, i })),
    );
    const out: Finding[] = [];
    const operator = neutralActors(view)[0];
    for (const { id, p, a, i } of pairs) {
      if (sources.some((s) => (s.detects[a] ?? 0) > 0 && !inspectsTooSlowly(s, a) && view.sees(s, p))) continue;
      const places = view.placesOf(p);
      out.push({
        code: 'undetected-activity',
        path: ['prohibitions', id, 'activities', i],
        args: {
          activity: a,
          prohibition: id,
          where: places.length ? ` in ${places.map((z) => `\`${z}\``).join(', ')}` : '',
        },
        scale: 1 / pairs.length,
        ...(operator
          ? {
              fix: {
                description: `Add a source run by ${operator} that detects ${a}${places.length ? ` in ${places.join(', ')}` : ''}`,
                apply: (m) => addSource(m, operator, [a], places),
              },
            }
          : {}),
      });
    }
    return out;
  },
};
