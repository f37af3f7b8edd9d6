/**
 * Force limits (a ceiling of personnel or of pieces of a weapon class in a zone) that no source can count. A ceiling
 * is verified by counting, on the ground: an inspection team or a patrol, or a source marked `counts: true`, that
 * covers the zone and detects presence. A satellite that sees tanks does not, by itself, count them against a limit
 * (design choice: `counts` says otherwise).
 */
import { edit } from '../fixes.js';
import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import type { Source } from '../../spec/schema.js';
import type { Activity } from '../../spec/vocabulary.js';
import { list } from '../wording.js';

export const countingKinds: ReadonlySet<Source['kind']> = new Set(['inspection-team', 'patrol']);
export const counts = (s: Source): boolean => s.counts ?? countingKinds.has(s.kind);

export const uncountedLimit: Rule = {
  name: 'uncounted-limit',
  codes: ['uncounted-limit'],
  check({ model, view }) {
    const out: Finding[] = [];
    const neutral = Object.entries(model.actors).find(
      ([id, a]) => a.role === 'monitor' && !view.isPartyControlled(id),
    )?.[0];
    for (const [id, p] of Object.entries(model.prohibitions)) {
      if (!p.limit) continue;
      const units = Object.keys(p.limit);
      const activity: Activity = units.every((u) => u === 'personnel') ? 'troop-presence' : 'heavy-weapon-presence';
      const ok = Object.values(model.verification).some(
        (s) =>
          counts(s) &&
          view.sees(s, p) &&
          ((s.detects[activity] ?? 0) > 0 ||
            (s.detects['troop-presence'] ?? 0) > 0 ||
            (s.detects['heavy-weapon-presence'] ?? 0) > 0),
      );
      if (ok) continue;
      const places = view.placesOf(p);
      out.push({
        code: 'uncounted-limit',
        path: ['prohibitions', id, 'limit'],
        prefer: 'key',
        args: {
          prohibition: id,
          limits: list(Object.entries(p.limit).map(([u, n]) => `${n} ${u}`)),
          where: places.length ? ` in ${places.map((z) => `\`${z}\``).join(', ')}` : '',
          activity,
        },
        ...(neutral
          ? {
              fix: {
                description: `Have ${neutral} inspect \`${id}\` at least twice a month and on request within 48 hours`,
                apply: (m) =>
                  edit(m, (x) => {
                    let sid = `inspection-${id}`;
                    while (x.verification[sid]) sid += '_';
                    x.verification[sid] = {
                      kind: 'inspection-team',
                      operator: neutral,
                      revisit: 15 * 86_400_000,
                      latency: 86_400_000,
                      'on-request': 48 * 3_600_000,
                      detects: { [activity]: 0.9 },
                      ...(places.length ? { covers: places } : {}),
                    };
                  }),
              },
            }
          : {}),
      });
    }
    return out;
  },
};
