/**
 * Delay: the breach-to-response chain of each trigger. A trigger that never reaches a material response; one whose
 * first material response is due later than a week in the worst case; one whose first material response waits
 * for a national decision. The week is a design choice, set against what the research reports: most ceasefire
 * failures begin within days (CSIS 2025, "most ceasefires experience minor failures within 10 days" [S/U]).
 */
import { addMaterialResponse, edit } from '../fixes.js';
import type { Finding, Fix } from '../finding.js';
import type { Rule } from '../rule.js';
import type { TriggerTimeline } from '../timeline.js';
import { DAY, HOUR } from '../../spec/units.js';
import { at, list } from '../wording.js';
import { itemAt } from '../../item-at.js';

export const slowLimit = 7 * DAY;

/** The single change that brings a trigger's first material response forward most directly. */
export function speedUp(tl: TriggerTimeline): Fix | undefined {
  const r = tl.firstMaterial;
  if (!r) return undefined;
  const sev = tl.severity;
  if (!r.automatic) {
    return {
      description: `Make the \`${sev}\` ${r.action} response automatic (no further national decision)`,
      apply: (m) => edit(m, (x) => (itemAt(itemAt(x.responses, sev), r.index).automatic = true)),
    };
  }
  if (r.within === undefined || r.within > 24 * HOUR) {
    return {
      description: `Require the \`${sev}\` ${r.action} response within 24 hours`,
      apply: (m) => edit(m, (x) => (itemAt(itemAt(x.responses, sev), r.index).within = 24 * HOUR)),
    };
  }
  return undefined;
}

export function whyNever(tl: TriggerTimeline): string {
  if (!tl.responses.some((r) => r.material))
    return tl.responses.length
      ? `the \`${tl.severity}\` response has no material action`
      : `severity \`${tl.severity}\` has no response`;
  if (!tl.detection) return `no act it covers can be confirmed by ${tl.k} independent source${tl.k === 1 ? '' : 's'}`;
  return list(tl.judgment.risks);
}

export const slowResponse: Rule = {
  name: 'slow-response',
  codes: ['no-material-response', 'slow-material-response', 'national-decision'],
  check({ timelines }) {
    const out: Finding[] = [];
    for (const tl of timelines) {
      const path = ['triggers', tl.trigger];
      const r = tl.firstMaterial;
      if (!r || !Number.isFinite(r.at.best)) {
        const fix: Fix | undefined = !tl.responses.some((x) => x.material)
          ? {
              description: `Add automatic sanctions within 7 days to the \`${tl.severity}\` response`,
              apply: (m) => addMaterialResponse(m, tl.severity),
            }
          : tl.detection && r && r.upon === 'declaration'
            ? {
                description: `Let the \`${tl.severity}\` ${r.action} response start on the trigger itself, without waiting for a declaration`,
                apply: (m) => edit(m, (x) => (itemAt(itemAt(x.responses, tl.severity), r.index).upon = 'trigger')),
              }
            : undefined;
        out.push({
          code: 'no-material-response',
          path,
          prefer: 'key',
          args: { trigger: tl.trigger, why: whyNever(tl) },
          ...(fix ? { fix } : {}),
        });
        continue;
      }
      if (r.at.worst > slowLimit) {
        const why = [
          ...(r.within === undefined ? ['it has no time limit'] : []),
          ...(r.upon === 'declaration' ? tl.judgment.risks : []),
          ...(!Number.isFinite(tl.caseOpens.worst) ? ['the count window is open-ended'] : []),
        ];
        const worst = Number.isFinite(r.at.worst) ? at(r.at.worst) : `with no upper bound (${list(why)})`;
        const fix = speedUp(tl);
        out.push({
          code: 'slow-material-response',
          path,
          prefer: 'key',
          args: {
            trigger: tl.trigger,
            action: `${r.action} by ${r.by.join(', ')}`,
            worst,
            limit: { duration: slowLimit },
          },
          related: [{ message: `the ${r.action} response`, path: ['responses', tl.severity, r.index] }],
          ...(fix ? { fix } : {}),
        });
      }
      if (!r.automatic && r.decision > 0) {
        const fix = speedUp(tl);
        out.push({
          code: 'national-decision',
          path: ['responses', tl.severity, r.index],
          args: {
            trigger: tl.trigger,
            action: `${r.action} by ${r.by.join(', ')}`,
            decision: { duration: r.decision },
          },
          ...(fix ? { fix } : {}),
        });
      }
    }
    return out;
  },
};
