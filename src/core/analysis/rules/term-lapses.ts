/**
 * The agreement's own term (a mandate renewed every six months; a ceasefire for a fixed period) ending before the
 * horizon without automatic renewal: the guarantee lapses unless someone decides to renew it, and a party holding a
 * veto over the renewal can end it without breaching anything (UN mandates renewed by the Security Council). Or an
 * agreement any party can end by notice (Sri Lanka's 2002 ceasefire, Art. 4.4: fourteen days).
 */
import { edit } from '../fixes.js';
import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { duration, list } from '../wording.js';
import { present } from '../../item-at.js';

export const termLapses: Rule = {
  name: 'term-lapses',
  codes: ['term-lapses'],
  check({ model, view }) {
    const t = model.term;
    if (!t) return [];
    const lapses = t.length !== undefined && t.length < model.horizon && t.renewal !== 'automatic';
    if (!lapses && t.notice === undefined) return [];
    const by = view.actorsIn(t.by);
    const vetoes = (t.veto ?? []).filter((a) => view.isPartyControlled(a));
    const renewal =
      t.renewal === 'none'
        ? 'is not provided for'
        : `needs a decision${by.length ? ` by ${list(by)}` : ''}${t.rule ? ` (${t.rule})` : ''}${vetoes.length ? `, over which ${list(vetoes)}, bound by the prohibitions, hold${vetoes.length === 1 ? 's' : ''} a veto` : ''}`;
    const parts: string[] = [];
    if (lapses)
      parts.push(
        `runs ${duration(present(t.length, 'length'))} and ends in ${new Date(model.effective.start + present(t.length, 'length')).toISOString().slice(0, 7)}, before the horizon; its renewal ${renewal}`,
      );
    if (t.notice !== undefined)
      parts.push(
        `any party can end it${t.length !== undefined ? ' (or stop its renewal)' : ''} on ${duration(t.notice)}' notice`,
      );
    const out: Finding = {
      code: 'term-lapses',
      path: ['term'],
      prefer: 'key',
      args: { term: parts.join('; and ') },
      fix: {
        description: 'Renew the agreement automatically, with no party able to end it by notice alone',
        apply: (m) =>
          edit(m, (x) => {
            present(x.term, 'term').renewal = 'automatic';
            delete present(x.term, 'term').notice;
          }),
      },
    };
    return [out];
  },
};
