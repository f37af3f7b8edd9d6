/** Decay: no requirements and no commitments; nothing says who pays or supplies what, or for how long. */
import type { Rule } from '../rule.js';

export const nothingCommitted: Rule = {
  name: 'nothing-committed',
  codes: ['nothing-committed'],
  check({ model }) {
    const s = model.sustainment;
    if (Object.keys(s.requirements).length > 0 || s.commitments.length > 0) return [];
    return [{ code: 'nothing-committed', path: ['sustainment'], prefer: 'key', args: {} }];
  },
};
