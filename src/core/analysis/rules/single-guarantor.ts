/** Decay: one guarantor carrying more than half of a requirement's deliveries over the horizon (the half is a design choice). */
import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';

export const singleGuarantor: Rule = {
  name: 'single-guarantor',
  codes: ['single-guarantor'],
  check({ sustainment }) {
    const out: Finding[] = [];
    for (const r of sustainment.requirements) {
      const top = r.shares[0];
      if (!top || top.share <= 0.5) continue;
      out.push({
        code: 'single-guarantor',
        path: ['sustainment', 'requirements', r.id],
        prefer: 'key',
        args: { by: top.by, share: { percent: top.share }, requirement: r.id },
      });
    }
    return out;
  },
};
