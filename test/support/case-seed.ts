/**
 * Thousands of breach cases, fast, straight through the store: each batch stores one observation and hands the store
 * a processed batch of made-up violations and case openings (the pipeline would take minutes to open 10,000 cases
 * from reports); then casework adopts them with the package's real transitions. Cases open over the `span` before
 * `now`, oldest first, so their judgment deadlines (48 h in the example) are still ahead unless `span` is longer.
 */
import type { Observation, Violation } from '../../src/core/ops/index.js';
import {
  casePlans,
  fromCaseOpening,
  openCase,
  voteOnCase,
  type CaseFile,
  type CaseOpening,
  type CaseStep,
} from '../../src/core/ops/index.js';
import type { Store } from '../../src/core/ports/store.js';
import type { Package } from '../../src/core/spec/schema.js';

/** The example's triggers, each with a prohibition and activity that meets it. */
const kinds = [
  { trigger: 'access-denied', severity: 'minor', prohibition: 'monitor-access', activity: 'denial-of-access' },
  { trigger: 'overflight', severity: 'minor', prohibition: 'no-overflight', activity: 'overflight' },
  { trigger: 'serious-violation', severity: 'serious', prohibition: 'no-fire', activity: 'artillery-fire' },
  { trigger: 'armed-attack', severity: 'armed-attack', prohibition: 'no-advance', activity: 'ground-advance' },
] as const;

export interface SeededCase {
  id: string;
  trigger: string;
  severity: string;
  region: string;
  openedAt: number;
}

export interface SeedOptions {
  n: number;
  now: number;
  /** Openings spread evenly over this long before `now` (ms). */
  span: number;
  /** Region codes with a point in each, used in turn. */
  places: readonly { region: string; lon: number; lat: number }[];
  /** Which cases the judgment body declares at once (by three members' votes), by index. */
  declare?: (i: number) => boolean;
  /** The trigger of case i (default: every trigger in turn, armed attacks rare). */
  kind?: (i: number) => number;
  tag?: string;
  /**
   * Writes each new case file itself (a database older than the store's code); default: the casework store adopts
   * them.
   */
  adopt?: (files: CaseFile[]) => Promise<void>;
}

const defaultKind = (i: number) => (i % 97 === 0 ? 3 : i % 3);

export async function seedCases(store: Store, pkg: Package, o: SeedOptions): Promise<SeededCase[]> {
  const tag = o.tag ?? 'seed';
  const kindOf = o.kind ?? defaultKind;
  const out: SeededCase[] = [];
  const batch = 1000;
  for (let start = 0; start < o.n; start += batch) {
    const violations: Violation[] = [];
    const openings: CaseOpening[] = [];
    for (let i = start; i < Math.min(o.n, start + batch); i++) {
      const k = kinds[kindOf(i)]!;
      const place = o.places[i % o.places.length]!;
      const openedAt = o.now - o.span + Math.floor(((i + 1) * o.span) / (o.n + 1));
      const time = openedAt - 60_000;
      const n = String(i).padStart(6, '0');
      const id = `vio-${tag}-${n}`;
      const incidentId = `inc-${tag}-${n}`;
      const obs = [{ source: 'radar', sourceId: `${tag}-${n}` }];
      violations.push({
        id,
        revision: 1,
        status: 'active',
        prohibition: k.prohibition,
        incidentId,
        activity: k.activity,
        weapons: [],
        party: i % 5 === 0 ? 'UA' : 'RU',
        basis: 'observed',
        time,
        start: time,
        end: time,
        lon: place.lon + ((i * 7919) % 100) / 500,
        lat: place.lat + ((i * 104_729) % 100) / 500,
        radius: 500,
        region: place.region,
        zones: [],
        // An advance across the contact line: 2.5 km into its right side (UA-held in the example).
        ...(k.prohibition === 'no-advance'
          ? { line: { zone: 'contact-line', distance: 2500, side: 'right' as const }, depth: 2500 }
          : {}),
        confidence: 0.9,
        corroboration: 2,
        operators: ['CMM', 'DE'],
        observations: obs,
        detectedAt: openedAt,
      } as Violation);
      // Case ids as the pipeline makes them look: `case-` and 24 hex digits (the index in the last six).
      const caseId = `case-${tag
        .padEnd(18, '0')
        .slice(0, 18)
        .replace(/[^0-9a-f]/g, 'a')}${n}`;
      openings.push({
        id: caseId,
        revision: 1,
        key: `${k.trigger}|${tag}|${n}`,
        trigger: k.trigger,
        severity: k.severity,
        party: i % 5 === 0 ? 'UA' : 'RU',
        windowStart: time,
        windowEnd: time + 1,
        breachAt: time,
        openedAt,
        evidence: [
          {
            violation: id,
            incident: incidentId,
            prohibition: k.prohibition,
            time,
            confidence: 0.9,
            corroboration: 2,
            observations: obs,
          },
        ],
      });
      out.push({ id: caseId, trigger: k.trigger, severity: k.severity, region: place.region, openedAt });
    }
    const observation: Observation = {
      source: 'radar',
      sourceId: `${tag}-batch-${start}`,
      activity: 'artillery-fire',
      count: 1,
      time: o.now - o.span,
      start: o.now - o.span,
      end: o.now - o.span,
      radius: 0,
      region: o.places[0]!.region,
      confidence: 0.5,
      evidence: [],
    };
    await store.ingest([observation], { receivedAt: o.now, submittedBy: 'seed' }, () => ({
      incidentRevisions: [],
      violations,
      caseOpenings: openings,
    }));
  }
  const plans = casePlans(pkg);
  const declared = new Set(out.filter((_, i) => o.declare?.(i)).map((c) => c.id));
  const open = (c: CaseOpening): CaseStep => {
    const step = openCase(plans, fromCaseOpening(c));
    if (!declared.has(c.id)) return step;
    let file = step.file;
    let timers = step.timers;
    for (const member of ['FR', 'UK', 'DE']) {
      const r = voteOnCase(plans, file, {
        member,
        choice: 'declare',
        at: c.openedAt + 1000,
        statement: `seed-${member}`,
      });
      if (!r.ok) throw new Error(`seed vote refused: ${r.rejection.message}`);
      file = r.file;
      timers = [...timers, ...r.timers];
    }
    return { file, timers };
  };
  if (o.adopt) {
    const page = await store.listCases({ limit: 1000 });
    const all = [...page.items];
    for (let next = page.next; next;) {
      const p = await store.listCases({ limit: 1000, cursor: next });
      all.push(...p.items);
      next = p.next;
    }
    await o.adopt(all.map((c) => open(c).file));
  } else await store.casework().adoptCases(open);
  return out;
}

/** A point in each of a few oblasts of the example's regions layer. */
export const places = [
  { region: 'UA-14', lon: 37.6, lat: 48.2 }, // Donetsk
  { region: 'UA-09', lon: 39.0, lat: 48.7 }, // Luhansk
  { region: 'UA-23', lon: 35.6, lat: 47.3 }, // Zaporizhzhia
  { region: 'UA-63', lon: 36.5, lat: 49.6 }, // Kharkiv
  { region: 'UA-65', lon: 33.5, lat: 46.7 }, // Kherson
  { region: 'UA-12', lon: 35.0, lat: 48.4 }, // Dnipropetrovsk
] as const;
