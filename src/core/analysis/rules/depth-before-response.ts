/**
 * Delay measured in ground: for a trigger on an advance, the depth a violator gains at the assumed advance rate
 * before the first material response. The limit is the narrowest buffer around the line the advance crosses (once
 * through it the violator stands where the package said no force would be), else 10 km, a design choice.
 */
import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { isAdvance, lineFor } from '../timeline.js';
import { km, rate } from '../wording.js';
import { speedUp } from './slow-response.js';
import { itemAt } from '../../item-at.js';

export const defaultDepthLimit = 10_000;

export const depthBeforeResponse: Rule = {
  name: 'depth-before-response',
  codes: ['depth-before-response'],
  check({ model, view, timelines }) {
    const out: Finding[] = [];
    const r = model.assumptions['advance-rate'];
    if (r === undefined) return out;
    for (const tl of timelines) {
      const t = itemAt(model.triggers, tl.trigger);
      if (!isAdvance(model, t) || !tl.depth || !tl.firstMaterial || !Number.isFinite(tl.firstMaterial.at.best))
        continue;
      const line = lineFor(view, t);
      const buffers = Object.entries(model.zones).filter(([, z]) => z.kind === 'buffer' && z.around === line);
      const narrowest = buffers
        .map(([id, z]) => ({ id, width: z.kind === 'buffer' ? z.width : 0 }))
        .sort((a, b) => a.width - b.width)[0];
      const limit = narrowest?.width ?? defaultDepthLimit;
      if (tl.depth.worst <= limit) continue;
      const fix = speedUp(tl);
      out.push({
        code: 'depth-before-response',
        path: ['triggers', tl.trigger],
        prefer: 'key',
        args: {
          trigger: tl.trigger,
          rate: `advance rate of ${rate(r)}`,
          depth: { km: tl.depth.worst },
          limit: narrowest ? `the ${km(limit)} of buffer \`${narrowest.id}\`` : km(limit),
        },
        related: [{ message: 'the assumed advance rate', path: ['assumptions', 'advance-rate'] }],
        ...(fix ? { fix } : {}),
      });
    }
    return out;
  },
};
