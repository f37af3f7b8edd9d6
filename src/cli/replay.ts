/**
 * `guarantor replay ucdp|alerts FILE --to URL --key KEY`: real data sent to a running server as observations, in
 * batches, with a progress bar. The parsing is pure (core/ops/replay); this file reads the files, talks HTTP and
 * reports. A batch the server refuses for some bad items is resent without them, so one odd row does not sink a
 * replay; the refused items are counted and the first reasons shown.
 */
import { SingleBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import { fileURLToPath } from 'node:url';
import type { ObservationInput } from '../core/ops/index.js';
import { parseAlerts } from '../core/ops/index.js';
import { parseCrosswalk } from '../core/ops/index.js';
import { CsvFormatError } from '../core/ops/index.js';
import { parseUcdp, type ReplayParse } from '../core/ops/index.js';
import { readText } from '../package-files.js';
import { HttpClient, type Fetch } from './http-client.js';
import { UsageError } from './usage-error.js';

const kinds = ['ucdp', 'alerts'] as const;
type Kind = (typeof kinds)[number];
const defaultSource: Record<Kind, string> = { ucdp: 'ucdp', alerts: 'air-alerts' };
const defaultCrosswalk = fileURLToPath(new URL('../../examples/data/oblast-crosswalk.csv', import.meta.url));

export interface ReplayOptions {
  kind: Kind;
  file: string;
  to: string;
  key: string;
  batch: number;
  source: string;
  crosswalk: string;
  limit?: number;
  fetch?: Fetch;
  /** Progress output; false for none (tests, pipes). */
  progress?: boolean;
  log?: (line: string) => void;
}

export interface ReplaySummary {
  parsed: number;
  skipped: number;
  sent: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  violations: number;
  cases: number;
  seconds: number;
  problems: { sourceId: string; path: string; reason: string }[];
}

interface Problem {
  index?: number;
  path: string;
  reason: string;
}

export function register(program: Command): void {
  program
    .command('replay')
    .description('send real data to a server as observations: UCDP GED events (ucdp) or air-raid alerts (alerts)')
    .argument('<kind>', `what the file holds: ${kinds.join(' or ')}`)
    .argument('<file>', 'the CSV file')
    .requiredOption('--to <url>', 'the server, e.g. http://localhost:8080')
    .requiredOption('--key <key>', 'an API key with the monitor role')
    .option('--batch <n>', 'observations per request', '500')
    .option('--source <id>', 'the verification source of the package the observations come from (default: ucdp, air-alerts)')
    .option('--crosswalk <file>', 'region names to ISO 3166-2 codes (CSV)', defaultCrosswalk)
    .option('--limit <n>', 'send only the first n observations')
    .action(async (kind: string, file: string, opts: { to: string; key: string; batch: string; source?: string; crosswalk: string; limit?: string }) => {
      if (!kinds.includes(kind as Kind)) throw new UsageError(`unknown kind "${kind}"; use ${kinds.join(' or ')}`);
      const batch = Number(opts.batch);
      if (!Number.isInteger(batch) || batch < 1 || batch > 100_000) throw new UsageError(`--batch must be a whole number from 1 to 100000, not "${opts.batch}"`);
      let limit: number | undefined;
      if (opts.limit !== undefined) {
        limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 0) throw new UsageError(`--limit must be a whole number, not "${opts.limit}"`);
      }
      const summary = await runReplay({
        kind: kind as Kind,
        file,
        to: opts.to,
        key: opts.key,
        batch,
        source: opts.source ?? defaultSource[kind as Kind],
        crosswalk: opts.crosswalk,
        progress: process.stderr.isTTY === true,
        log: (l) => process.stderr.write(l + '\n'),
        ...(limit !== undefined ? { limit } : {}),
      });
      process.stdout.write(formatSummary(summary));
      process.exitCode = summary.rejected > 0 ? 1 : 0;
    });
}

export function parseFile(kind: Kind, text: string, source: string, crosswalkText: string): ReplayParse {
  const crosswalk = parseCrosswalk(crosswalkText);
  try {
    return kind === 'ucdp' ? parseUcdp(text, { source, crosswalk }) : parseAlerts(text, { source, crosswalk });
  } catch (e) {
    if (e instanceof CsvFormatError) throw new UsageError(e.message);
    throw e;
  }
}

export async function runReplay(o: ReplayOptions): Promise<ReplaySummary> {
  const started = process.hrtime.bigint();
  const parsed = parseFile(o.kind, readText(o.file), o.source, readText(o.crosswalk));
  const items = o.limit !== undefined ? parsed.observations.slice(0, o.limit) : parsed.observations;
  const client = new HttpClient(o.to, o.fetch ?? (fetch as unknown as Fetch), o.key);
  const s: ReplaySummary = { parsed: parsed.observations.length, skipped: parsed.skipped.length, sent: 0, accepted: 0, duplicates: 0, rejected: 0, violations: 0, cases: 0, seconds: 0, problems: [] };
  const bar = o.progress ? new SingleBar({ format: 'replay {bar} {value}/{total} observations | {accepted} accepted, {duplicates} duplicate, {rejected} rejected | {eta_formatted}', hideCursor: true }, Presets.shades_classic) : undefined;
  bar?.start(items.length, 0, { accepted: 0, duplicates: 0, rejected: 0 });

  const post = async (batch: ObservationInput[]): Promise<{ status: number; body: Record<string, unknown> }> => {
    const a = await client.request('POST', 'v1/observations', batch);
    const body = typeof a.body === 'object' && a.body !== null ? (a.body as Record<string, unknown>) : a.text ? { message: a.text.slice(0, 200) } : {};
    return { status: a.status, body };
  };
  const count = (body: Record<string, unknown>, n: number) => {
    s.accepted += num(body['accepted']) ?? n;
    s.duplicates += num(body['duplicates']) ?? 0;
    s.violations += num(body['violations']) ?? 0;
    s.cases += num(body['cases']) ?? 0;
  };

  try {
    for (let i = 0; i < items.length; i += o.batch) {
      const batch = items.slice(i, i + o.batch);
      s.sent += batch.length;
      let r = await post(batch);
      if (r.status === 400 && Array.isArray(r.body['problems'])) {
        const bad = new Set<number>();
        for (const p of r.body['problems'] as Problem[]) {
          if (typeof p.index !== 'number') continue;
          bad.add(p.index);
          if (s.problems.length < 20) s.problems.push({ sourceId: batch[p.index]?.sourceId ?? '?', path: p.path, reason: p.reason });
        }
        // A list cut short (problemCount) may leave bad items in the rest: then the retry fails and says so.
        if (bad.size) {
          s.rejected += bad.size;
          const rest = batch.filter((_, k) => !bad.has(k));
          r = rest.length ? await post(rest) : { status: 200, body: { accepted: 0, duplicates: 0 } };
          if (r.status < 300) count(r.body, rest.length);
        }
      } else if (r.status < 300) {
        count(r.body, batch.length);
      }
      if (r.status >= 300) {
        const message = typeof r.body['message'] === 'string' ? r.body['message'] : '';
        throw new UsageError(`the server answered ${r.status}${r.body['error'] ? ` (${String(r.body['error'])})` : ''} for observations ${i}..${i + batch.length - 1}: ${message}`);
      }
      bar?.update(Math.min(items.length, i + batch.length), { accepted: s.accepted, duplicates: s.duplicates, rejected: s.rejected });
    }
  } finally {
    bar?.stop();
  }
  s.seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (o.log && parsed.skipped.length) {
    const reasons = new Map<string, number>();
    for (const k of parsed.skipped) reasons.set(k.reason, (reasons.get(k.reason) ?? 0) + 1);
    for (const [reason, n] of [...reasons].slice(0, 5)) o.log(`skipped ${n}: ${reason}`);
  }
  return s;
}

function num(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isFinite(x) ? x : undefined;
}

export function formatSummary(s: ReplaySummary): string {
  const lines = [
    `${s.parsed} observations from the file (${s.skipped} rows skipped), ${s.sent} sent in ${s.seconds.toFixed(1)} s`,
    `${s.accepted} accepted, ${s.duplicates} duplicate, ${s.rejected} rejected; ${s.violations} violation records, ${s.cases} cases opened`,
  ];
  for (const p of s.problems) lines.push(`  rejected ${p.sourceId}: ${p.path ? p.path + ': ' : ''}${p.reason}`);
  return lines.join('\n') + '\n';
}
