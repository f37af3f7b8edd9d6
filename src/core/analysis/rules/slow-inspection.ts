/**
 * An inspection slower than the violation it would catch: an inspection team, or a source that looks by quota or on
 * request, listed as detecting an act that is over in minutes (a shot, a strike, an overflight). It will find
 * nothing, so the analysis does not count it as a detector of that act (inspection.ts); this note says why. How long
 * such acts last is an assumption (one hour), stated in the message; acts of presence last and are not reported.
 */
import type { Finding } from '../finding.js';
import { inspectsTooSlowly, lookInterval, transientLasts } from '../inspection.js';
import type { Rule } from '../rule.js';
import type { Activity } from '../../spec/vocabulary.js';
import { present } from '../../item-at.js';

export const slowInspection: Rule = {
  name: 'slow-inspection',
  codes: ['slow-inspection'],
  check({ model }) {
    const out: Finding[] = [];
    for (const [id, s] of Object.entries(model.verification)) {
      for (const [a, p] of Object.entries(s.detects) as [Activity, number][]) {
        if (!(p > 0) || !inspectsTooSlowly(s, a)) continue;
        out.push({
          code: 'slow-inspection',
          path: ['verification', id, 'detects', a],
          prefer: 'key',
          args: {
            source: id,
            how: present(lookInterval(s), `${id}'s look interval`).how,
            activity: a,
            lasts: { duration: transientLasts },
          },
        });
      }
    }
    return out;
  },
};
