/**
 * Observations: one report from one source about one thing seen. The input schema is the contract of
 * `POST /v1/observations` (the server validates with it and publishes it through `z.toJSONSchema`); the checks
 * that need the package (is the source one of its verification sources, does it know the region) are a separate
 * pure function, so a bad item is answered with its index, field path and reason whichever layer caught it.
 *
 * Uncertainty is data (UCDP and ACLED record location and time precision): every observation carries an interval
 * of time and a radius or a region, never a false point.
 */
import * as z from 'zod';
import { DAY, HOUR, MINUTE, WEEK } from '../spec/units.js';
import { activities, weaponClasses, type Activity, type WeaponClass } from '../spec/vocabulary.js';
import { wellFormed } from '../tlog/canonical-json.js';

/** How an attribution was made, strongest first. `impact-side` and `advance-side` are inferred by the pipeline. */
export const attributionBases = [
  'observed',
  'crater-analysis',
  'origin-side',
  'claimed',
  'impact-side',
  'advance-side',
] as const;
export type AttributionBasis = (typeof attributionBases)[number];

export const timePrecisions = ['exact', 'minute', 'hour', 'day', 'week', 'month'] as const;
export type TimePrecision = (typeof timePrecisions)[number];

/** Limits that keep one item from costing the server more than a report is worth. */
export const observationLimits = {
  idLength: 200,
  noteLength: 2000,
  evidence: 64,
  count: 1_000_000,
  /** 1,000 km: beyond that a point is no better than a region. */
  radius: 1_000_000,
  /** Seconds either side of `time`: a year. */
  uncertainty: 366 * 86_400,
  /** The interval named by `time` .. `until` may not span more than this (ms). */
  span: 366 * DAY,
} as const;

// No control characters: ids end up in keys, logs and terminals.
const sourceKey = z
  .string()
  .min(1)
  .max(observationLimits.idLength)
  .regex(/^[^\u0000-\u001f\u007f]+$/, { message: 'an id may not contain control characters' });
const isoTime = z.iso
  .datetime({ offset: true, local: false })
  .meta({ description: 'ISO 8601 UTC time or time with offset', examples: ['2026-06-03T14:20:00Z'] });

const pointLocation = z
  .strictObject({
    lon: z.number().min(-180).max(180).meta({ description: 'WGS 84 longitude, degrees' }),
    lat: z.number().min(-90).max(90).meta({ description: 'WGS 84 latitude, degrees' }),
    radius: z
      .number()
      .nonnegative()
      .max(observationLimits.radius)
      .optional()
      .meta({ description: 'Location uncertainty, metres (absent: exact)' }),
    altitude: z
      .number()
      .min(-12_000)
      .max(1_000_000)
      .optional()
      .meta({ description: 'Metres above mean sea level, for airspace' }),
  })
  .meta({ description: 'A point with its uncertainty radius' });

const regionLocation = z
  .strictObject({
    region: z
      .string()
      .min(1)
      .max(64)
      .meta({ description: "A region code of the package's regions layer (ISO 3166-2)", examples: ['UA-14'] }),
  })
  .meta({ description: 'Known only to a region (oblast)' });

export const observationInputSchema = z
  .strictObject({
    source: sourceKey.meta({ description: 'The id of a verification source of the package' }),
    sourceId: sourceKey.meta({
      description: "The source's own id for this report; (source, sourceId) is the idempotency key",
    }),
    activity: z.enum(activities),
    weapon: z.enum(weaponClasses).optional(),
    count: z
      .int()
      .min(1)
      .max(observationLimits.count)
      .optional()
      .meta({ description: 'How many were seen (rounds, vehicles); default 1' }),
    time: isoTime,
    until: isoTime.optional().meta({ description: 'When the report covers an interval: its end (time is its start)' }),
    timePrecision: z
      .union([z.enum(timePrecisions), z.number().nonnegative().max(observationLimits.uncertainty)])
      .optional()
      .meta({
        description: 'A calendar unit containing `time` (UTC), or an uncertainty in seconds either side; default exact',
      }),
    location: z.union([pointLocation, regionLocation]),
    confidence: z.number().min(0).max(1).meta({ description: "The source's confidence that the report is true, 0..1" }),
    attribution: z
      .strictObject({
        party: z.string().min(1).max(64).meta({ description: 'The actor id held responsible' }),
        basis: z.enum(attributionBases),
      })
      .optional(),
    evidence: z
      .array(
        z
          .string()
          .regex(/^[0-9a-f]{64}$/, { message: 'an evidence reference is a SHA-256 hash: 64 lowercase hex digits' }),
      )
      .max(observationLimits.evidence)
      .optional()
      .meta({ description: 'SHA-256 content hashes of images or files (the files stay with the source)' }),
    note: z.string().max(observationLimits.noteLength).optional(),
  })
  .meta({ title: 'Observation', description: 'One report from one verification source' });

/**
 * The same schema compiled ahead of time (Zod's `z.compile`): generated code validates and builds the output, and
 * any input it refuses goes to the runtime parser, which gives the issues. About four times faster per valid item
 * (bench/ingest.ts, "validate"); `strict` makes a schema the compiler cannot model fail at start-up, not silently.
 * observation.test.ts checks that both answer alike on valid and mutated items.
 */
export const compiledObservationSchema = z.compile(observationInputSchema, { strict: true });

export type ObservationInput = z.input<typeof observationInputSchema>;
export type ParsedObservationInput = z.output<typeof observationInputSchema>;

/** A normalised observation: times as epoch ms intervals, defaults applied. What fusion works on. */
export interface Observation {
  source: string;
  sourceId: string;
  activity: Activity;
  weapon?: WeaponClass;
  count: number;
  /** The best time (epoch ms), and the interval the event lies in. */
  time: number;
  start: number;
  end: number;
  /** Point location (with radius in metres), or region only. */
  lon?: number;
  lat?: number;
  radius: number;
  altitude?: number;
  region?: string;
  confidence: number;
  attribution?: { party: string; basis: AttributionBasis };
  evidence: string[];
  note?: string;
}

/** A bad item: where it is in the batch, which field, and why. */
export interface ObservationError {
  index: number;
  /** Field path inside the item, e.g. `location.lat`; empty for the item as a whole. */
  path: string;
  reason: string;
}

/** What validation needs to know about the package: built once by `prepareOps`. */
export interface ObservationRules {
  /**
   * Source id -> its operator. A source may report any activity the package knows, not only those its `detects`
   * models: a patrol that hears shelling should be heard.
   */
  sources: ReadonlyMap<string, { operator: string }>;
  /** Activities any prohibition or source of the package names. */
  activities: ReadonlySet<string>;
  /** Region codes of the package's regions layer. */
  regions: ReadonlySet<string>;
  /** Actor ids: an attribution must name one. */
  actors: ReadonlySet<string>;
  /** How far in the future (ms, relative to the injected now) a report may be dated; clocks drift. */
  maxFuture: number;
}

export function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

/** Start of the UTC calendar unit containing t, and its end. */
function calendarUnit(t: number, unit: TimePrecision): [number, number] {
  switch (unit) {
    case 'exact':
      return [t, t];
    case 'minute':
      return [t - (t % MINUTE), t - (t % MINUTE) + MINUTE];
    case 'hour':
      return [t - mod(t, HOUR), t - mod(t, HOUR) + HOUR];
    case 'day':
      return [t - mod(t, DAY), t - mod(t, DAY) + DAY];
    case 'week':
      // The seven days starting at the day of `time`: a weekly report names its first day.
      return [t - mod(t, DAY), t - mod(t, DAY) + WEEK];
    case 'month': {
      const d = new Date(t);
      const s = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
      return [s, Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)];
    }
  }
}

function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

/** Schema-valid input to the normalised form. Times must already be valid ISO strings. */
export function normalizeObservation(o: ParsedObservationInput): Observation {
  const t = Date.parse(o.time);
  let start: number;
  let end: number;
  const p = o.timePrecision ?? 'exact';
  if (typeof p === 'number') {
    start = t - p * 1000;
    end = t + p * 1000;
  } else {
    [start, end] = calendarUnit(t, p);
  }
  if (o.until !== undefined) end = Math.max(end, Date.parse(o.until));
  // Every key, in canonical order (optional ones held open, undefined, in their places): stored as written
  // (canonical-json.ts), and the compiler sees every field.
  const point = 'region' in o.location ? undefined : o.location;
  return {
    activity: o.activity,
    altitude: point?.altitude,
    attribution: o.attribution && { basis: o.attribution.basis, party: o.attribution.party },
    confidence: o.confidence,
    count: o.count ?? 1,
    end,
    evidence: o.evidence ?? [],
    lat: point?.lat,
    lon: point?.lon,
    note: o.note,
    radius: point?.radius ?? 0,
    region: 'region' in o.location ? o.location.region : undefined,
    source: o.source,
    sourceId: o.sourceId,
    start,
    time: t,
    weapon: o.weapon,
  };
}

/** Why a string that is not Unicode is refused, here and for any request body (src/server/json-body.ts). */
export const notUnicode = 'is not valid Unicode text: it holds a lone UTF-16 surrogate';

/** The checks the schema cannot make: they need the package and the current time (or a check the compiled schema cannot hold). */
export function checkObservation(
  o: ParsedObservationInput,
  index: number,
  rules: ObservationRules,
  now: number,
): ObservationError[] {
  const errs: ObservationError[] = [];
  const err = (path: string, reason: string) => errs.push({ index, path, reason });
  const src = rules.sources.get(o.source);
  if (!src) err('source', `"${o.source}" is not a verification source of the package`);
  // Stored and logged as canonical JSON, which refuses text that is not Unicode (RFC 7493). The other strings are
  // checked against the package or a pattern.
  if (!wellFormed(o.sourceId)) err('sourceId', notUnicode);
  if (o.note !== undefined && !wellFormed(o.note)) err('note', notUnicode);
  if (!rules.activities.has(o.activity))
    err('activity', `the package names no prohibition or source for "${o.activity}"`);
  const t = Date.parse(o.time);
  if (t > now + rules.maxFuture)
    err(
      'time',
      `${o.time} is in the future (more than ${Math.round(rules.maxFuture / MINUTE)} min after the server's clock)`,
    );
  if (o.until !== undefined) {
    const u = Date.parse(o.until);
    if (u < t) err('until', `ends (${o.until}) before it starts (${o.time})`);
    else if (u - t > observationLimits.span) err('until', `covers more than a year; report shorter intervals`);
    if (u > now + rules.maxFuture) err('until', `${o.until} is in the future`);
  }
  if ('region' in o.location && !rules.regions.has(o.location.region)) {
    err('location.region', `"${o.location.region}" is not a region code of the package's regions layer`);
  }
  if (o.attribution && !rules.actors.has(o.attribution.party))
    err('attribution.party', `"${o.attribution.party}" is not an actor of the package`);
  return errs;
}

export type ObservationBatch = { ok: true; observations: Observation[] } | { ok: false; errors: ObservationError[] };

/**
 * A whole batch, all or nothing: schema, package checks, and duplicates inside the batch (the same source and
 * source id twice is a client bug, not a retry). Errors are sorted by index then path.
 */
export function parseObservationBatch(
  items: readonly unknown[],
  rules: ObservationRules,
  now: number,
): ObservationBatch {
  const errors: ObservationError[] = [];
  const out: Observation[] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < items.length; i++) {
    const r = compiledObservationSchema.safeParse(items[i]);
    if (!r.success) {
      for (const issue of r.error.issues) errors.push({ index: i, path: pathText(issue.path), reason: issue.message });
      continue;
    }
    const e = checkObservation(r.data, i, rules, now);
    if (e.length) {
      errors.push(...e);
      continue;
    }
    const key = observationKey(r.data.source, r.data.sourceId);
    const first = seen.get(key);
    if (first !== undefined) {
      errors.push({
        index: i,
        path: 'sourceId',
        reason: `duplicates item ${first} (same source and sourceId in one batch)`,
      });
      continue;
    }
    seen.set(key, i);
    out.push(normalizeObservation(r.data));
  }
  if (errors.length) {
    errors.sort((a, b) => a.index - b.index || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return { ok: false, errors };
  }
  return { ok: true, observations: out };
}

/** The idempotency key: a source's ids are its own, so the pair is unique (ids hold no control characters, so NUL separates). */
export function observationKey(source: string, sourceId: string): string {
  return `${source}\u0000${sourceId}`;
}

/** The JSON Schema of one observation (for OpenAPI). */
export function observationJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(observationInputSchema, { io: 'input', target: 'draft-7', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
}
