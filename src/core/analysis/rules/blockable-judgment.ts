/**
 * A judgment a violator can block: a bound party that votes under unanimity or consensus, holds a veto, or that the
 * quorum cannot do without; or that votes on its own breach unrecused (a blocking minority with a few friends). And,
 * less grave, a rule under which any single member can block.
 */
import { edit } from '../fixes.js';
import type { Finding, Fix } from '../finding.js';
import { judgmentPower } from '../judgment-power.js';
import type { Rule } from '../rule.js';
import { present } from '../../item-at.js';

export const blockableJudgment: Rule = {
  name: 'blockable-judgment',
  codes: ['judgment-party-can-block', 'judgment-member-can-block'],
  check({ model, view }) {
    const j = model.judgment;
    if (!j) return [];
    const power = judgmentPower(j, view);
    const out: Finding[] = [];
    const nonParty = j.members.filter((mm) => !view.isPartyControlled(mm));
    // One fix for a party that can block, by veto or by vote: recuse the parties, take away their vetoes, and let the
    // quorum be met by the members that remain.
    const recuseParties: Fix = {
      description: 'Recuse the bound parties from the judgment and take away their veto',
      apply: (m) =>
        edit(m, (x) => {
          const jj = present(x.judgment, 'judgment');
          jj.recuse = 'parties';
          if (jj.rule.veto) jj.rule.veto = jj.rule.veto.filter((v) => !view.isPartyControlled(v));
          if (jj.rule.quorum !== undefined && jj.rule.quorum > nonParty.length) jj.rule.quorum = nonParty.length;
        }),
    };
    for (const b of power.partyBlockers) {
      const where = j.members.indexOf(b.actor);
      const vetoAt = (j.rule.veto ?? []).indexOf(b.actor);
      out.push({
        code: 'judgment-party-can-block',
        path: vetoAt >= 0 ? ['judgment', 'rule', 'veto', vetoAt] : ['judgment', 'members', where],
        args: { actor: b.actor, how: b.how },
        related: [{ message: `the rule is ${j.rule.type}`, path: ['judgment', 'rule', 'type'] }],
        ...(nonParty.length
          ? {
              fix: recuseParties,
            }
          : {}),
      });
    }
    // A party voting on its own breach without recusal (LANGUAGE.md: "a party as a voting member without recusal"):
    // not a veto, but a blocking minority with `allies` friends; half the weight of a veto.
    for (const v of power.partyVoters) {
      out.push({
        code: 'judgment-party-can-block',
        path: ['judgment', 'members', j.members.indexOf(v.actor)],
        args: {
          actor: v.actor,
          how: `voting on its own breach, not recused: with ${v.allies} other member${v.allies === 1 ? '' : 's'} it holds a blocking minority`,
        },
        related: [
          {
            message: `recusal is ${typeof j.recuse === 'string' ? j.recuse : j.recuse.join(', ')}`,
            path: ['judgment', 'recuse'],
          },
        ],
        scale: 0.5,
        ...(nonParty.length
          ? {
              fix: recuseParties,
            }
          : {}),
      });
    }
    const others = power.blockers.filter((b) => !view.isPartyControlled(b.actor));
    if (others.length) {
      const everyone = j.rule.type === 'unanimity' || j.rule.type === 'consensus' || j.rule.type === 'unpublished';
      out.push({
        code: 'judgment-member-can-block',
        path: everyone ? ['judgment', 'rule', 'type'] : ['judgment', 'rule', 'veto'],
        args: {
          how: everyone
            ? j.rule.type === 'unpublished'
              ? 'an unpublished rule (at worst)'
              : j.rule.type
            : `vetoes held by ${power.blockers.map((b) => b.actor).join(', ')}`,
          count: power.blockers.length,
        },
        fix: {
          description: 'Decide by simple majority, with no single-member veto',
          apply: (m) =>
            edit(m, (x) => {
              present(x.judgment, 'judgment').rule.type = 'majority';
              delete present(x.judgment, 'judgment').rule.veto;
            }),
        },
      });
    }
    return out;
  },
};
