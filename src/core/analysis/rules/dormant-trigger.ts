/**
 * A dormant trigger (one that wakes on a date, once the ceasefire has held a while, or when another clause lapses)
 * that can never wake: the date or the hold lies beyond the horizon or the agreement's own term, or the clause whose
 * lapse it waits for never lapses (no `until`). The text then promises a guarantee it never gives.
 */
import { edit } from '../fixes.js';
import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { duration } from '../wording.js';
import { startOf } from './phase-gap.js';
import { itemAt, present } from '../../item-at.js';

const iso = (t: number) => new Date(t).toISOString().slice(0, 10);

export const dormantTrigger: Rule = {
  name: 'dormant-trigger',
  codes: ['dormant-trigger'],
  check({ model }) {
    const out: Finding[] = [];
    const t = model.term;
    const termEnds =
      t && t.renewal !== 'automatic' && t.length !== undefined && t.length < model.horizon ? t.length : undefined;
    const end = model.effective.start + (termEnds ?? model.horizon);
    const endWhy =
      termEnds !== undefined
        ? `the agreement's own term ends first (${iso(end)})`
        : `that lies beyond the horizon (${iso(end)})`;
    for (const [id, t] of Object.entries(model.triggers)) {
      const w = t.wakes;
      if (!w) continue;
      let wake: string | undefined;
      let why: string | undefined;
      if (w.at !== undefined) {
        const at = present(startOf(model, w.at), 'wakes.at');
        if (at >= end) [wake, why] = [iso(at), endWhy];
      } else if (w.held !== undefined) {
        const at = model.effective.start + w.held;
        if (at >= end) [wake, why] = [`the ceasefire has held ${duration(w.held)}`, endWhy];
      } else if (w['on-lapse-of'] !== undefined) {
        const p = model.prohibitions[w['on-lapse-of']];
        const at = p ? startOf(model, p.until, true) : undefined;
        if (at === undefined)
          [wake, why] = [`\`${w['on-lapse-of']}\` lapses`, 'that prohibition has no `until`, so it never lapses'];
        else if (at >= end) [wake, why] = [`\`${w['on-lapse-of']}\` lapses (${iso(at)})`, endWhy];
      }
      if (wake === undefined) continue;
      out.push({
        code: 'dormant-trigger',
        path: ['triggers', id, 'wakes'],
        prefer: 'key',
        args: { trigger: id, wake, why: present(why, 'why') },
        fix: {
          description: `Let trigger \`${id}\` apply from the start`,
          apply: (m) => edit(m, (x) => void delete itemAt(x.triggers, id).wakes),
        },
      });
    }
    return out;
  },
};
