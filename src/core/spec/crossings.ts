/**
 * Crossing points and corridors (docs/language.md "Crossings"): the places whose public status is open, restricted
 * or closed, such as a checkpoint on the contact line or a grain corridor. Each watches a zone of the package: the
 * violations located in it restrict or close it, and the actors named as its authority may set its status.
 * Kept apart from schema.ts, which only mounts the section.
 */
import * as z from 'zod';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../diagnostics/make.js';
import * as units from './units.js';
import type { Path, SourceFile } from './source.js';
import { closest } from './suggest.js';

/** A duration (`24h`), reported as schema.ts reports its units (a `unit` issue the loader turns into G1104). */
const duration = z
  .string()
  .transform((s, ctx) => {
    const r = units.parseDuration(s);
    if (r.ok) return r.value;
    ctx.issues.push({ code: 'custom', message: r.reason, input: s, params: { diagnostic: 'unit', unit: 'duration' } });
    return z.NEVER;
  })
  .meta({ description: 'A duration: 30m, 6h, 2d', pattern: units.durationPattern, examples: ['24h'] });

const id = z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]*$/, {
  message: 'an id starts with a letter and holds letters, digits, "-", "_" or "."',
});

export const crossingSchema = z.strictObject({
  name: z.string().meta({ description: 'What the public calls it' }),
  kind: z.enum(['checkpoint', 'corridor']),
  zone: id.meta({ description: 'The zone it occupies: violations located in this zone restrict or close it' }),
  authority: z
    .array(id)
    .min(1)
    .optional()
    .meta({ description: 'Actors who may set its status open, restricted or closed' }),
  'restrict-after': z
    .int()
    .min(1)
    .default(1)
    .meta({ description: 'Violations in the zone, within `window`, that restrict it' }),
  'close-after': z
    .int()
    .min(1)
    .default(3)
    .meta({ description: 'Violations in the zone, within `window`, that close it' }),
  window: duration.optional().meta({ description: 'How long a violation counts against it; default 24h' }),
  text: z.string().optional(),
  cite: z.string().optional(),
});

export type Crossing = z.output<typeof crossingSchema>;

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => x !== null && typeof x === 'object' && !Array.isArray(x);

/**
 * The section's own checks, over the raw document: references to zones and actors, thresholds in order, and a zone
 * in which no violation can ever be located (violations carry only the zones their prohibition names `inside`).
 */
export function checkCrossings(raw: Obj, source: SourceFile): Diagnostic[] {
  const crossings = raw['crossings'];
  if (!isObj(crossings)) return [];
  const out: Diagnostic[] = [];
  const file = source.file;
  const zones = isObj(raw['zones']) ? raw['zones'] : {};
  const actors = isObj(raw['actors']) ? raw['actors'] : {};
  const watched = new Set<string>();
  for (const p of Object.values(isObj(raw['prohibitions']) ? raw['prohibitions'] : {})) {
    const inside = isObj(p) ? p['inside'] : undefined;
    for (const z of Array.isArray(inside) ? inside : [inside]) if (typeof z === 'string') watched.add(z);
  }
  const suggest = (value: string, ids: string[]) => {
    const near = closest(value, ids);
    return near === undefined ? '' : `; did you mean \`${near}\`?`;
  };
  for (const [cid, cv] of Object.entries(crossings)) {
    if (!isObj(cv)) continue;
    const p: Path = ['crossings', cid];
    const zone = cv['zone'];
    if (typeof zone === 'string') {
      const z = zones[zone];
      if (!isObj(z)) {
        out.push(
          makeDiagnostic('crossing-unknown-zone', file, source.span([...p, 'zone']), {
            crossing: cid,
            ref: zone,
            suggestion: suggest(zone, Object.keys(zones)),
          }),
        );
      } else if (z['kind'] === 'line') {
        out.push(makeDiagnostic('crossing-on-line', file, source.span([...p, 'zone']), { crossing: cid, ref: zone }));
      } else if (!watched.has(zone)) {
        out.push(makeDiagnostic('crossing-unwatched', file, source.span([...p, 'zone']), { crossing: cid, ref: zone }));
      }
    }
    const authority = cv['authority'];
    if (Array.isArray(authority)) {
      authority.forEach((a, i) => {
        if (typeof a === 'string' && !isObj(actors[a])) {
          out.push(
            makeDiagnostic('crossing-unknown-authority', file, source.span([...p, 'authority', i]), {
              crossing: cid,
              ref: a,
              suggestion: suggest(a, Object.keys(actors)),
            }),
          );
        }
      });
    }
    const r = cv['restrict-after'] ?? 1;
    const c = cv['close-after'] ?? 3;
    if (typeof r === 'number' && typeof c === 'number' && c < r) {
      out.push(
        makeDiagnostic(
          'crossing-thresholds',
          file,
          source.span([...p, cv['close-after'] === undefined ? 'restrict-after' : 'close-after']),
          { crossing: cid, close: c, restrict: r },
        ),
      );
    }
  }
  return out;
}
