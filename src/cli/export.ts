/**
 * `guarantor export observations|incidents|violations|cases --format csv|geojson [--db PATH|URL | --url URL]
 * [filters] [--out FILE]` (docs/operations/report.md, "Exports"): the records as CSV or GeoJSON, streamed from the
 * store (`--db`) or from a server's list endpoint with the matching Accept header (`--url`, with `--api-key`). The
 * filters are the JSON lists' own; one a kind does not have is a usage error (exit 2).
 */
import type { Command } from 'commander';
import { createWriteStream } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  exportChunks,
  exportContentTypes,
  exportFormats,
  exportKinds,
  type ExportFormat,
  type ExportKind,
} from '../server/exports.js';
import { describeDb, openStore } from '../store/open.js';
import { ApiClient, Refused, type Fetch } from './api-client.js';
import { dbOf, existingDb, shared } from './options.js';
import { UsageError } from './usage-error.js';

/** Filters of each kind, as the list endpoints take them (docs/api.md). */
export const exportFilters: Record<ExportKind, readonly string[]> = {
  observations: ['source', 'activity', 'region'],
  incidents: ['activity', 'region', 'status'],
  violations: ['zone', 'region', 'prohibition', 'party', 'status'],
  cases: ['severity', 'trigger', 'party'],
};
const allFilters = [...new Set(Object.values(exportFilters).flat())].sort();

export interface ExportOptions {
  format: string;
  db?: string;
  url?: string;
  apiKey?: string;
  out?: string;
  from?: string;
  to?: string;
  [filter: string]: string | undefined;
}

/** Streams the export to `sink`; throws UsageError for bad input. */
export async function runExport(
  kind: string,
  o: ExportOptions,
  env: Record<string, string | undefined>,
  sink: Writable,
  doFetch?: Fetch,
): Promise<void> {
  if (!(exportKinds as readonly string[]).includes(kind))
    throw new UsageError(`kind: "${kind}" is not something to export; use ${exportKinds.join(', ')}`);
  if (!(exportFormats as readonly string[]).includes(o.format))
    throw new UsageError(`--format: "${o.format}" is not an export format; use ${exportFormats.join(' or ')}`);
  if (o.url !== undefined && o.db !== undefined) throw new UsageError('--db and --url: give one, not both');
  const k = kind as ExportKind;
  const format = o.format as ExportFormat;
  const filter: Record<string, unknown> = {};
  for (const f of allFilters) {
    if (o[f] === undefined) continue;
    if (!exportFilters[k].includes(f))
      throw new UsageError(
        `--${f}: ${k} have no ${f} filter; they take ${['from', 'to', ...exportFilters[k]].map((x) => `--${x}`).join(', ')}`,
      );
    filter[f] = o[f];
  }
  for (const t of ['from', 'to'] as const) {
    const v = o[t];
    if (v === undefined) continue;
    const ms = Date.parse(v);
    if (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(ms))
      throw new UsageError(`--${t}: "${v}" is not an ISO 8601 time`);
    filter[t] = ms;
  }
  if (o.url !== undefined) return fromServer(k, format, o.url, o, filter, sink, doFetch);
  const db = existingDb(dbOf(o, env));
  let store;
  try {
    store = await openStore(db);
  } catch (e) {
    throw new UsageError(`--db: cannot open the store ${describeDb(db)}: ${(e as Error).message}`);
  }
  try {
    await pipeline(Readable.from(exportChunks(store, k, format, filter)), sink, { end: sink !== process.stdout });
  } finally {
    await store.close();
  }
}

const listOperation = {
  observations: 'getObservations',
  incidents: 'getIncidents',
  violations: 'getViolations',
  cases: 'getCases',
} as const;

async function fromServer(
  kind: ExportKind,
  format: ExportFormat,
  url: string,
  o: ExportOptions,
  filter: Record<string, unknown>,
  sink: Writable,
  doFetch?: Fetch,
): Promise<void> {
  if (!o.apiKey) throw new UsageError('--api-key: exporting from a server needs an API key (or GUARANTOR_API_KEY)');
  const api = new ApiClient(url, doFetch, o.apiKey);
  const query = Object.fromEntries(
    Object.entries(filter).map(([f, v]) => [f, typeof v === 'number' ? new Date(v).toISOString() : String(v)]),
  );
  const r = await api.stream(listOperation[kind], { query, accept: exportContentTypes[format].replace(/;.*/s, '') });
  if (!r.ok) throw new Refused(`the ${kind} export`, r.answer);
  // Standard output is not ended: on a socket that would shut it for whatever the shell writes next.
  await pipeline(Readable.fromWeb(r.stream as import('node:stream/web').ReadableStream), sink, {
    end: sink !== process.stdout,
  });
}

export function register(program: Command): void {
  const cmd = program
    .command('export')
    .description(
      'records as CSV (RFC 4180) or GeoJSON (RFC 7946), streamed: observations, incidents, violations or cases',
    )
    .argument('<kind>', exportKinds.join(', '))
    .requiredOption('--format <format>', exportFormats.join(' or '));
  shared(cmd, {
    db: { note: 'read this store' },
    url: { note: 'ask a running server instead' },
    apiKey: { note: 'with --url', aliases: ['--key'] },
  })
    .option('--from <time>', 'records at or after this time (ISO 8601; event time, or opening time for cases)')
    .option('--to <time>', 'records before this time')
    .option('--out <file>', 'write to a file instead of standard output');
  for (const f of allFilters)
    cmd.option(
      `--${f} <value>`,
      `filter by ${f} (${exportKinds.filter((k) => exportFilters[k].includes(f)).join(', ')})`,
    );
  cmd.action(async (kind: string, o: ExportOptions) => {
    await runExport(kind, o, process.env, o.out ? createWriteStream(o.out) : process.stdout);
  });
}
