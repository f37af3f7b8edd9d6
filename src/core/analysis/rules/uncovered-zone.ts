/** A zone the prohibitions or the control clauses use that no verification source can see any part of. */
import { edit } from '../fixes.js';
import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { itemAt, present } from '../../item-at.js';

export const uncoveredZone: Rule = {
  name: 'uncovered-zone',
  codes: ['uncovered-zone'],
  check({ model, view }) {
    const sources = Object.entries(model.verification);
    if (sources.length === 0) return [];
    const used = new Set<string>();
    for (const p of Object.values(model.prohibitions)) for (const z of view.placesOf(p)) used.add(z);
    for (const c of model.control) used.add(c.zone);
    const out: Finding[] = [];
    for (const zone of Object.keys(model.zones)) {
      if (!used.has(zone)) continue;
      if (sources.some(([, s]) => s.covers === undefined || s.covers.some((c) => view.overlaps(c, zone)))) continue;
      const widest = sources
        .filter(([, s]) => s.covers !== undefined)
        .sort(
          (a, b) => Object.keys(b[1].detects).length - Object.keys(a[1].detects).length || (a[0] < b[0] ? -1 : 1),
        )[0];
      out.push({
        code: 'uncovered-zone',
        path: ['zones', zone],
        prefer: 'key',
        args: { zone },
        ...(widest
          ? {
              fix: {
                description: `Extend source \`${widest[0]}\` to cover zone \`${zone}\``,
                apply: (m) => edit(m, (x) => present(itemAt(x.verification, widest[0]).covers, 'covers').push(zone)),
              },
            }
          : {}),
      });
    }
    return out;
  },
};
