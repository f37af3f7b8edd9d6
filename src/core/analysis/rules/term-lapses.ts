/**
 * The agreement's own term (a mandate renewed every six months; a ceasefire for a fixed period) ending before the
 * horizon without automatic renewal: the guarantee lapses unless someone decides to renew it, and a party holding a
 * veto over the renewal can end it without breaching anything (UN mandates renewed by the Security Council).
 */
import { edit } from '../fixes.js';
import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { duration, list } from '../wording.js';

export const termLapses: Rule = {
  name: 'term-lapses',
  codes: ['term-lapses'],
  check({ model, view }) {
    const t = model.term;
    if (!t || t.renewal === 'automatic' || t.length >= model.horizon) return [];
    const by = view.actorsIn(t.by);
    const vetoes = (t.veto ?? []).filter((a) => view.isPartyControlled(a));
    const renewal =
      t.renewal === 'none'
        ? 'is not provided for'
        : `needs a decision${by.length ? ` by ${list(by)}` : ''}${t.rule ? ` (${t.rule})` : ''}${vetoes.length ? `, over which ${list(vetoes)}, bound by the prohibitions, hold${vetoes.length === 1 ? 's' : ''} a veto` : ''}`;
    const end = new Date(model.effective.start + t.length).toISOString().slice(0, 7);
    const out: Finding = {
      code: 'term-lapses',
      path: ['term'],
      prefer: 'key',
      args: { length: duration(t.length), end, renewal },
      fix: { description: 'Renew the agreement automatically unless a party gives notice', apply: (m) => edit(m, (x) => void (x.term!.renewal = 'automatic')) },
    };
    return [out];
  },
};
