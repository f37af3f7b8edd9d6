/**
 * The package as the rules see it: who is a potential violator, which groups name whom, which zones overlap, and
 * which sources can see where a prohibition applies. Built once per analysis; every rule reads the same answers.
 *
 * Zones are related without geometry, from how they are defined: a zone overlaps itself; a line overlaps the
 * buffers around it; two buffers around the same line overlap unless they lie on opposite sides; an airspace
 * overlaps what it lies over (and what that overlaps); two region areas overlap when they share a region. Zones
 * drawn from separate geometry files are related only to themselves (the geo engine owns real intersection).
 */
import type { Package, Prohibition, Source, Zone } from '../spec/schema.js';
import type { Activity, Domain } from '../spec/vocabulary.js';
import { inspectsTooSlowly } from './inspection.js';
import { present } from '../item-at.js';

export interface PackageView {
  model: Package;
  /** Actors a prohibition binds, plus those whose role is `party`: the ones who could violate. */
  parties: ReadonlySet<string>;
  /** Actor ids named by a reference or list, with groups (`guarantors`, `parties`, `monitors`, `members`) expanded. */
  actorsIn(ref: string | readonly string[] | undefined): string[];
  /** Whether an actor is a party, or a body or force staffed only by parties. */
  isPartyControlled(actor: string): boolean;
  overlaps(a: string, b: string): boolean;
  /** The zones a prohibition applies in (`inside` and `across`); empty means anywhere. */
  placesOf(p: Prohibition): string[];
  /** Whether a source can see at least part of where a prohibition applies. */
  sees(s: Source, p: Prohibition): boolean;
  /** The line a zone is drawn from, if any: itself for a line, `around` for a buffer, through `over` for airspace. */
  lineOf(zone: string): string | undefined;
  /** Metres, for line zones whose geometry was loaded. */
  lineLengths: ReadonlyMap<string, number>;
  /** Sources by the activity they detect (probability above zero), in declaration order. */
  detectors(activity: Activity): readonly (readonly [string, Source])[];
  /** Prohibitions by the zone they apply `inside`. */
  prohibitionsInside(zone: string): readonly string[];
}

const list = (x: string | readonly string[] | undefined): string[] =>
  x === undefined ? [] : typeof x === 'string' ? [x] : [...x];

export function buildView(model: Package, lineLengths: ReadonlyMap<string, number> = new Map()): PackageView {
  const parties = new Set<string>();
  for (const [id, a] of Object.entries(model.actors)) if (a.role === 'party') parties.add(id);
  for (const p of Object.values(model.prohibitions)) for (const b of p.binds) parties.add(b);

  const byRole = (role: string) =>
    Object.entries(model.actors)
      .filter(([, a]) => a.role === role)
      .map(([id]) => id);
  const groups: Record<string, string[]> = {
    guarantors: byRole('guarantor'),
    parties: [...parties].sort(),
    monitors: byRole('monitor'),
    members: model.judgment?.members ?? [],
  };
  const actorsIn = (ref: string | readonly string[] | undefined): string[] => {
    const out = new Set<string>();
    for (const r of list(ref)) for (const a of groups[r] ?? [r]) out.add(a);
    return [...out];
  };
  const isPartyControlled = (actor: string): boolean => {
    if (parties.has(actor)) return true;
    const c = model.actors[actor]?.contributors;
    return c !== undefined && c.length > 0 && c.every((x) => parties.has(x));
  };

  const zone = (id: string): Zone | undefined => model.zones[id];
  const lineOf = (id: string, depth = 0): string | undefined => {
    const z = zone(id);
    if (!z || depth > 8) return undefined;
    if (z.kind === 'line') return id;
    if (z.kind === 'buffer') return z.around;
    if (z.kind === 'airspace' && z.over !== undefined) return lineOf(z.over, depth + 1);
    return undefined;
  };
  /** The ground footprint an airspace stands over, followed to the end. */
  const ground = (id: string, depth = 0): string => {
    const z = zone(id);
    return z?.kind === 'airspace' && z.over !== undefined && depth < 8 ? ground(z.over, depth + 1) : id;
  };
  const overlaps = (a: string, b: string): boolean => {
    const ga = ground(a);
    const gb = ground(b);
    if (ga === gb) return true;
    const za = zone(ga);
    const zb = zone(gb);
    if (!za || !zb) return false;
    if (za.kind === 'line' && zb.kind === 'buffer') return zb.around === ga;
    if (zb.kind === 'line' && za.kind === 'buffer') return za.around === gb;
    if (za.kind === 'buffer' && zb.kind === 'buffer') {
      if (za.around !== zb.around) return false;
      return za.side === 'both' || zb.side === 'both' || za.side === zb.side;
    }
    if (za.kind === 'area' && zb.kind === 'area' && za.regions && zb.regions)
      return za.regions.some((r) => present(zb.regions, 'regions').includes(r));
    return false;
  };
  const places = new Map<Prohibition, string[]>();
  const placesOf = (p: Prohibition): string[] => {
    let z = places.get(p);
    if (!z) places.set(p, (z = [...list(p.inside), ...list(p.across)]));
    return z;
  };
  const byActivity = new Map<Activity, [string, Source][]>();
  for (const [id, src] of Object.entries(model.verification)) {
    for (const [a, prob] of Object.entries(src.detects) as [Activity, number][]) {
      if (!(prob > 0) || inspectsTooSlowly(src, a)) continue;
      let l = byActivity.get(a);
      if (!l) byActivity.set(a, (l = []));
      l.push([id, src]);
    }
  }
  const inside = new Map<string, string[]>();
  for (const [pid, p] of Object.entries(model.prohibitions)) {
    for (const z of list(p.inside)) {
      let l = inside.get(z);
      if (!l) inside.set(z, (l = []));
      l.push(pid);
    }
  }
  const sees = (s: Source, p: Prohibition): boolean => {
    if (s.covers === undefined) return true;
    const places = placesOf(p);
    if (places.length === 0) return s.covers.length > 0;
    return s.covers.some((c) => places.some((z) => overlaps(c, z)));
  };
  return {
    model,
    parties,
    actorsIn,
    isPartyControlled,
    overlaps,
    placesOf,
    sees,
    lineOf: (z) => lineOf(z),
    lineLengths,
    detectors: (a) => byActivity.get(a) ?? [],
    prohibitionsInside: (z) => inside.get(z) ?? [],
  };
}

/** The domain an activity happens in, where it is not ambiguous; the rest take the domain of their zone. */
const domainOfActivity: Partial<Record<Activity, Domain>> = {
  overflight: 'air',
  'air-strike': 'air',
  'naval-strike': 'sea',
  'naval-incursion': 'sea',
  'ground-advance': 'land',
  'troop-presence': 'land',
  'heavy-weapon-presence': 'land',
  reinforcement: 'land',
  'artillery-fire': 'land',
  'mortar-fire': 'land',
  'small-arms-fire': 'land',
};

/**
 * The domains in which someone must police or secure a zone for a prohibition to hold there: airspace is air;
 * a corridor is sea when the prohibition names naval activity; otherwise each activity's own domain, and the
 * zone's (land, or sea for a corridor) for activities that happen in any domain (strikes, mines, jamming).
 */
export function domainsNeeded(zone: Zone, activities: readonly Activity[]): Domain[] {
  if (zone.kind === 'airspace') return ['air'];
  const naval = activities.some((a) => domainOfActivity[a] === 'sea');
  const fallback: Domain = zone.kind === 'corridor' && naval ? 'sea' : 'land';
  const out = new Set<Domain>();
  for (const a of activities) out.add(domainOfActivity[a] ?? fallback);
  return [...out].sort();
}
