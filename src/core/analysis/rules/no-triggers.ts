/** Prohibitions but no trigger at all: nothing, however grave, opens a breach case. */
import { addTrigger } from '../fixes.js';
import type { Rule } from '../rule.js';

export const noTriggers: Rule = {
  name: 'no-triggers',
  codes: ['no-triggers'],
  check({ model }) {
    const ids = Object.keys(model.prohibitions);
    if (ids.length === 0 || Object.keys(model.triggers).length > 0) return [];
    return [
      {
        code: 'no-triggers',
        path: ['prohibitions'],
        prefer: 'key',
        args: { count: ids.length },
        fix: {
          description: 'Add a trigger covering every prohibition, with an evidence threshold',
          apply: (m) => addTrigger(m, ids, 'breach'),
        },
      },
    ];
  },
};
