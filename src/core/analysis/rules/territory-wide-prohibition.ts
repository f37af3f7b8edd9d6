/**
 * A prohibition with neither `inside` nor `across` in a package that draws a contact line: it applies everywhere,
 * so a shell fired 300 km from the line is as much a violation as one fired across it. That may be intended (a
 * full ceasefire), but drafters usually mean the line; the author should say which (issue 23: real events far from
 * the line were violations of such a package and nothing had warned). Placeless acts alone do not count.
 */
import { placelessActivities, type Activity } from '../../spec/vocabulary.js';
import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';

export const territoryWideProhibition: Rule = {
  name: 'territory-wide-prohibition',
  codes: ['territory-wide-prohibition'],
  check({ model }) {
    const line = Object.entries(model.zones).find(([, z]) => z.kind === 'line')?.[0];
    if (line === undefined) return [];
    const out: Finding[] = [];
    for (const [id, p] of Object.entries(model.prohibitions)) {
      if (p.inside !== undefined || p.across !== undefined) continue;
      const placed = p.activities.filter((a: Activity) => !placelessActivities.includes(a));
      if (placed.length === 0) continue;
      out.push({
        code: 'territory-wide-prohibition',
        path: ['prohibitions', id],
        prefer: 'key',
        args: { prohibition: id, activities: { list: placed, conj: 'or' }, line },
      });
    }
    return out;
  },
};
