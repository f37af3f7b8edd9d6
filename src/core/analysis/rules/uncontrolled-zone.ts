/**
 * Control: a zone nobody polices or secures, or a domain of it (land, air, sea) where a prohibition applies and
 * nobody polices or secures. "Control, not the map line, decides whether a war ends" (ARCHITECTURE.md); Fortna
 * (2003) finds demilitarised zones and peacekeeping among the measures that lengthen peace.
 */
import { edit, neutralActors } from '../fixes.js';
import type { Finding } from '../finding.js';
import { domainsNeeded } from '../package-view.js';
import type { Rule } from '../rule.js';
import type { Package, Zone } from '../../spec/schema.js';
import type { Domain } from '../../spec/vocabulary.js';
import { itemAt } from '../../item-at.js';

/** What a violator can do in a zone nobody polices or secures: ground can be held; air and sea lanes only used. */
function consequenceOf(z: Zone): string {
  if (z.kind === 'airspace') return 'a violator can fly through it unchallenged';
  if (z.kind === 'corridor') return 'a violator can enter it and block or use it unchallenged';
  return 'a violator can move into it and hold it';
}

const enforces = (c: Package['control'][number]) => c.polices !== undefined || c.secures !== undefined;

export const uncontrolledZone: Rule = {
  name: 'uncontrolled-zone',
  codes: ['uncontrolled-zone', 'uncontrolled-domain', 'no-zones'],
  check({ model, view }) {
    const zones = Object.entries(model.zones);
    if (zones.length === 0) {
      return Object.keys(model.prohibitions).length
        ? [{ code: 'no-zones', path: ['prohibitions'], prefer: 'key', args: {} }]
        : [];
    }
    const out: Finding[] = [];
    const actor = neutralActors(view)[0];
    const securer =
      Object.entries(model.actors).find(([id, a]) => a.role === 'force' && !view.isPartyControlled(id))?.[0] ??
      'guarantors';
    const controlOf = new Map<string, Package['control']>();
    for (const c of model.control) controlOf.set(c.zone, [...(controlOf.get(c.zone) ?? []), c]);
    for (const [id, z] of zones) {
      if (z.kind === 'line') continue;
      const entries = controlOf.get(id) ?? [];
      const needed = new Map<Domain, { prohibition: string; activities: string[] }>();
      for (const pid of view.prohibitionsInside(id)) {
        const p = itemAt(model.prohibitions, pid);
        for (const d of domainsNeeded(z, p.activities))
          if (!needed.has(d)) needed.set(d, { prohibition: pid, activities: [...p.activities] });
      }
      const firstDomain: Domain = [...needed.keys()][0] ?? (z.kind === 'airspace' ? 'air' : 'land');
      if (!entries.some(enforces)) {
        const monitored = entries.some((c) => c.monitors !== undefined);
        out.push({
          code: 'uncontrolled-zone',
          path: ['zones', id],
          prefer: 'key',
          args: { zone: id, monitored: monitored ? ' (it is only monitored)' : '', consequence: consequenceOf(z) },
          ...(actor
            ? {
                fix: {
                  description: `Name who polices (${actor}) and secures (${securer}) zone \`${id}\``,
                  apply: (m) =>
                    edit(m, (x) => x.control.push({ zone: id, domain: firstDomain, polices: actor, secures: securer })),
                },
              }
            : {}),
        });
        continue;
      }
      for (const [domain, why] of needed) {
        if (entries.some((c) => c.domain === domain && enforces(c))) continue;
        out.push({
          code: 'uncontrolled-domain',
          path: ['zones', id],
          prefer: 'key',
          args: { domain, zone: id, prohibition: why.prohibition, activities: { list: why.activities, conj: 'or' } },
          ...(actor
            ? {
                fix: {
                  description: `Name who polices and secures the ${domain} of zone \`${id}\``,
                  apply: (m) => edit(m, (x) => x.control.push({ zone: id, domain, polices: actor, secures: securer })),
                },
              }
            : {}),
        });
      }
    }
    return out;
  },
};
