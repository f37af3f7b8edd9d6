/**
 * Exports for analysts (docs/operations/report.md, "Exports"): observations, incidents, violations and cases as CSV
 * (RFC 4180) or GeoJSON (RFC 7946), streamed a store page at a time, so a million rows cost the memory of one page.
 * The same filters as the JSON lists; every matching record, oldest first (a `cursor` starts after its record).
 *
 * CSV: a header row, CRLF line ends (RFC 4180 §2), fields with a comma, quote, CR or LF quoted and quotes doubled,
 * UTF-8 without a byte-order mark. Text cells beginning with `=`, `+`, `-`, `@`, a tab or a carriage return are
 * prefixed with `'`, so a spreadsheet opening the file does not run them as formulas (OWASP, "CSV Injection");
 * numbers are written as numbers.
 *
 * GeoJSON: one FeatureCollection; a located record is a Point [lon, lat] (WGS 84, RFC 7946 §4) with its uncertainty
 * radius in metres as the property `radius`; a region-level record has a null geometry (§3.2) and its `region`; a
 * case is the MultiPoint of its located evidence (the violations that opened it), null when none is located.
 */
import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import type { Incident, Violation } from '../core/ops/index.js';
import type {
  CaseFilter,
  IncidentFilter,
  ObservationFilter,
  Page,
  Store,
  StoredCase,
  StoredObservation,
  ViolationFilter,
} from '../core/ports/store.js';
import { storeFilter, type RawListQuery } from './list-query.js';
import { itemAt } from '../core/item-at.js';

export const exportKinds = ['observations', 'incidents', 'violations', 'cases'] as const;
export type ExportKind = (typeof exportKinds)[number];
export const exportFormats = ['csv', 'geojson'] as const;
export type ExportFormat = (typeof exportFormats)[number];

export const exportContentTypes: Record<ExportFormat, string> = {
  // RFC 4180 §3: the optional `header` parameter says the first line names the columns.
  csv: 'text/csv; charset=utf-8; header=present',
  geojson: 'application/geo+json',
};

/** The export format an Accept header asks for, if any (JSON otherwise). */
export function exportFormatOf(accept: string | undefined): ExportFormat | undefined {
  if (!accept) return undefined;
  const types = accept.split(',').map((t) => itemAt(t.split(';'), 0).trim().toLowerCase());
  if (types.includes('text/csv')) return 'csv';
  if (types.includes('application/geo+json')) return 'geojson';
  return undefined;
}

type Cell = string | number | boolean | undefined | null;

const needsQuotes = /[",\r\n]/;

/** One CSV field: numbers as they are; text neutralised against formulas, then quoted when it must be. */
export function csvCell(v: Cell): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  let s = v;
  // = + - @ tab CR: what spreadsheets take for the start of a formula.
  const c = s.charCodeAt(0);
  if (c === 61 || c === 43 || c === 45 || c === 64 || c === 9 || c === 13) s = `'${s}`;
  return needsQuotes.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const csvRow = (cells: readonly Cell[]): string => cells.map(csvCell).join(',') + '\r\n';
const iso = (t: number | undefined | null): string | undefined =>
  t === undefined || t === null ? undefined : new Date(t).toISOString();
const list = (xs: readonly string[] | undefined): string | undefined => (xs?.length ? xs.join(';') : undefined);

interface Columns<T> {
  header: string[];
  row(x: T): Cell[];
}

const observationColumns: Columns<StoredObservation> = {
  header: [
    'id',
    'source',
    'source_id',
    'activity',
    'weapon',
    'count',
    'time',
    'start',
    'end',
    'lon',
    'lat',
    'radius_m',
    'altitude_m',
    'region',
    'confidence',
    'party',
    'attribution_basis',
    'evidence',
    'note',
    'received_at',
    'submitted_by',
  ],
  row: (o) => [
    o.seq,
    o.source,
    o.sourceId,
    o.activity,
    o.weapon,
    o.count,
    iso(o.time),
    iso(o.start),
    iso(o.end),
    o.lon,
    o.lat,
    o.radius,
    o.altitude,
    o.region,
    o.confidence,
    o.attribution?.party,
    o.attribution?.basis,
    list(o.evidence),
    o.note,
    iso(o.receivedAt),
    o.submittedBy,
  ],
};

const incidentColumns: Columns<Incident> = {
  header: [
    'id',
    'revision',
    'status',
    'reason',
    'merged_into',
    'activity',
    'weapons',
    'count',
    'confidence',
    'corroboration',
    'operators',
    'members',
    'time',
    'start',
    'end',
    'lon',
    'lat',
    'radius_m',
    'altitude_m',
    'region',
    'violations',
  ],
  row: (i) => [
    i.id,
    i.revision,
    i.status,
    i.reason,
    i.mergedInto,
    i.activity,
    list(i.weapons),
    i.count,
    i.confidence,
    i.corroboration,
    list(i.operators),
    i.members.length,
    iso(i.time),
    iso(i.start),
    iso(i.end),
    i.lon,
    i.lat,
    i.radius,
    i.altitude,
    i.region,
    list(i.violations),
  ],
};

const violationColumns: Columns<Violation> = {
  header: [
    'id',
    'revision',
    'status',
    'prohibition',
    'incident_id',
    'activity',
    'weapons',
    'party',
    'basis',
    'time',
    'start',
    'end',
    'lon',
    'lat',
    'radius_m',
    'region',
    'zones',
    'line',
    'line_side',
    'line_distance_m',
    'depth_m',
    'confidence',
    'corroboration',
    'operators',
    'observations',
    'detected_at',
  ],
  row: (v) => [
    v.id,
    v.revision,
    v.status,
    v.prohibition,
    v.incidentId,
    v.activity,
    list(v.weapons),
    v.party,
    v.basis,
    iso(v.time),
    iso(v.start),
    iso(v.end),
    v.lon,
    v.lat,
    v.radius,
    v.region,
    list(v.zones),
    v.line?.zone,
    v.line?.side,
    v.line?.distance,
    v.depth,
    v.confidence,
    v.corroboration,
    list(v.operators),
    list(v.observations.map((o) => `${o.source}:${o.sourceId}`)),
    iso(v.detectedAt),
  ],
};

const caseColumns: Columns<StoredCase> = {
  header: [
    'id',
    'trigger',
    'severity',
    'party',
    'window_start',
    'window_end',
    'breach_at',
    'opened_at',
    'depth_m',
    'evidence',
  ],
  row: (c) => [
    c.id,
    c.trigger,
    c.severity,
    c.party,
    iso(c.windowStart),
    iso(c.windowEnd),
    iso(c.breachAt),
    iso(c.openedAt),
    c.depth,
    list(c.evidence.map((e) => e.violation)),
  ],
};

type Geometry =
  { type: 'Point'; coordinates: [number, number] } | { type: 'MultiPoint'; coordinates: [number, number][] } | null;

function point(x: { lon?: number; lat?: number }): Geometry {
  return x.lon !== undefined && x.lat !== undefined ? { type: 'Point', coordinates: [x.lon, x.lat] } : null;
}

/** A feature's properties: the CSV's columns and values, empty ones left out, lists as arrays. */
function properties<T>(
  c: Columns<T>,
  x: T,
  arrays: Record<string, readonly string[] | undefined>,
): Record<string, unknown> {
  const cells = c.row(x);
  const out: Record<string, unknown> = {};
  c.header.forEach((h, i) => {
    if (h === 'lon' || h === 'lat') return;
    const name = h === 'radius_m' ? 'radius' : h;
    if (name in arrays) {
      if (arrays[name]?.length) out[name] = arrays[name];
    } else if (cells[i] !== undefined && cells[i] !== null) out[name] = cells[i];
  });
  return out;
}

interface Kind<T> {
  columns: Columns<T>;
  page(store: Store, filter: Record<string, unknown>): Promise<Page<T>>;
  id(x: T): string | number;
  /** Its feature: geometry and extra list properties. */
  feature(x: T, store: Store): Promise<{ geometry: Geometry; arrays: Record<string, readonly string[] | undefined> }>;
}

const kinds: {
  [K in ExportKind]: Kind<
    K extends 'observations'
      ? StoredObservation
      : K extends 'incidents'
        ? Incident
        : K extends 'violations'
          ? Violation
          : StoredCase
  >;
} = {
  observations: {
    columns: observationColumns,
    page: (s, f) => s.listObservations(f as unknown as ObservationFilter),
    id: (o) => o.seq,
    feature: async (o) => ({ geometry: point(o), arrays: { evidence: o.evidence } }),
  },
  incidents: {
    columns: incidentColumns,
    page: (s, f) => s.listIncidents(f as unknown as IncidentFilter),
    id: (i) => i.id,
    feature: async (i) => ({
      geometry: point(i),
      arrays: { weapons: i.weapons, operators: i.operators, violations: i.violations },
    }),
  },
  violations: {
    columns: violationColumns,
    page: (s, f) => s.listViolations(f as unknown as ViolationFilter),
    id: (v) => v.id,
    feature: async (v) => ({
      geometry: point(v),
      arrays: {
        weapons: v.weapons,
        zones: v.zones,
        operators: v.operators,
        observations: v.observations.map((o) => `${o.source}:${o.sourceId}`),
      },
    }),
  },
  cases: {
    columns: caseColumns,
    page: (s, f) => s.listCases(f as unknown as CaseFilter),
    id: (c) => c.id,
    feature: async (c, store) => {
      const coordinates: [number, number][] = [];
      for (const e of c.evidence) {
        const v = await store.getViolation(e.violation);
        if (v?.lon !== undefined && v.lat !== undefined) coordinates.push([v.lon, v.lat]);
      }
      return {
        geometry: coordinates.length ? { type: 'MultiPoint', coordinates } : null,
        arrays: { evidence: c.evidence.map((e) => e.violation) },
      };
    },
  },
};

/** Rows per store page while exporting. */
export const exportPage = 1000;

/**
 * The export as text chunks, one per store page: pull-driven, so a slow reader holds the store back rather than
 * the server buffering. `filter` is the list filter without `limit` (a `cursor` starts after its record).
 */
export async function* exportChunks(
  store: Store,
  kind: ExportKind,
  format: ExportFormat,
  filter: Record<string, unknown>,
): AsyncGenerator<string> {
  const k = kinds[kind] as Kind<unknown>;
  let cursor = filter['cursor'] as string | undefined;
  let first = true;
  yield format === 'csv' ? csvRow(k.columns.header) : '{"type":"FeatureCollection","features":[\n';
  do {
    const page = await k.page(store, { ...filter, limit: exportPage, ...(cursor ? { cursor } : {}) });
    let out = '';
    for (const x of page.items) {
      if (format === 'csv') out += csvRow(k.columns.row(x));
      else {
        const f = await k.feature(x, store);
        out += `${first ? '' : ',\n'}${JSON.stringify({ type: 'Feature', id: k.id(x), geometry: f.geometry, properties: properties(k.columns, x, f.arrays) })}`;
        first = false;
      }
    }
    if (out) yield out;
    cursor = page.next;
  } while (cursor);
  if (format === 'geojson') yield '\n]}\n';
}

/**
 * Answers a list request as an export: the first page is read before the headers go, so a bad filter or cursor is
 * still a 400; then the rest streams. `query` is the list's parsed query (its `limit` does not apply).
 */
export async function sendExport(
  reply: FastifyReply,
  store: Store,
  kind: ExportKind,
  format: ExportFormat,
  query: RawListQuery,
): Promise<FastifyReply> {
  const { limit: _limit, ...filter } = storeFilter<Record<string, unknown>>(query);
  const chunks = exportChunks(store, kind, format, filter);
  const head: string[] = [];
  for (let i = 0; i < 2; i++) {
    const r = await chunks.next();
    if (r.done) break;
    head.push(r.value);
  }
  async function* all(): AsyncGenerator<string> {
    yield head.join('');
    yield* chunks;
  }
  reply.header('content-type', exportContentTypes[format]);
  reply.header('content-disposition', `attachment; filename="${kind}.${format === 'csv' ? 'csv' : 'geojson'}"`);
  return reply.send(Readable.from(all(), { objectMode: false }));
}
