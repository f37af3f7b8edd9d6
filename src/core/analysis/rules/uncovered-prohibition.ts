/** A prohibition no trigger covers: the violator can do what it forbids and no breach case ever opens. */
import { addTrigger } from '../fixes.js';
import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { itemAt } from '../../item-at.js';

export const uncoveredProhibition: Rule = {
  name: 'uncovered-prohibition',
  codes: ['uncovered-prohibition'],
  check({ model }) {
    const covered = new Set(Object.values(model.triggers).flatMap((t) => t.on));
    const ids = Object.keys(model.prohibitions);
    const out: Finding[] = [];
    for (const id of ids) {
      if (covered.has(id)) continue;
      out.push({
        code: 'uncovered-prohibition',
        path: ['prohibitions', id],
        prefer: 'key',
        args: { prohibition: id, activities: { list: itemAt(model.prohibitions, id).activities, conj: 'or' } },
        scale: 1 / ids.length,
        fix: {
          description: `Add a trigger on prohibition \`${id}\` with an evidence threshold`,
          apply: (m) => addTrigger(m, [id], id),
        },
      });
    }
    return out;
  },
};
