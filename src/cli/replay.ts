/**
 * `guarantor replay ucdp|acled|alerts FILE --url URL --api-key KEY`: real data sent to a running server as observations, in
 * batches, with a progress bar. The parsing is pure (core/ops/replay); this file reads the files, talks HTTP and
 * reports. A batch the server refuses for some bad items is resent without them, so one odd row does not sink a
 * replay; skipped rows and refused items are grouped by reason, with counts and two examples each.
 *
 * `--dry-run` reads and maps without sending. `--clock event` replays on the events' own clock: observations go in
 * time order, a day at a time, and before each day the replay server's clock (`serve --clock event`) is moved to
 * it, so cases open, deadlines pass and responses fall due when they would have.
 */
import { SingleBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import { fileURLToPath } from 'node:url';
import type { ObservationInput } from '../core/ops/index.js';
import { parseAcled, parseAlerts } from '../core/ops/index.js';
import { parseCrosswalk } from '../core/ops/index.js';
import { CsvFormatError } from '../core/ops/index.js';
import { parseUcdp, type ReplayParse } from '../core/ops/index.js';
import { activities, type Activity } from '../core/spec/vocabulary.js';
import { readText } from '../package-files.js';
import { ApiClient, checkUrl, Refused, type Fetch } from './api-client.js';
import { plural, shared } from './options.js';
import { UsageError } from './usage-error.js';

const kinds = ['ucdp', 'alerts', 'acled'] as const;
type Kind = (typeof kinds)[number];
const defaultSource: Record<Kind, string> = { ucdp: 'ucdp', alerts: 'air-alerts', acled: 'acled' };
const defaultCrosswalk = fileURLToPath(new URL('../../examples/data/oblast-crosswalk.csv', import.meta.url));

/** What each kind of file must look like: printed when nothing usable was read. */
export const expectedFormat: Record<Kind, string> = {
  ucdp: 'a UCDP GED CSV file (UTF-8, comma-separated, a header row): the columns id, type_of_violence, side_a, side_b, where_prec, where_coordinates, adm_1, latitude, longitude, event_clarity, date_start, date_end (days as YYYY-MM-DD), best, low, high, number_of_sources, source_headline',
  acled:
    'an ACLED CSV export (UTF-8, comma-separated, a header row): event_id_cnty, event_date (YYYY-MM-DD or "24 February 2022"), time_precision, event_type, sub_event_type, actor1, actor2, country, admin1, location, latitude, longitude, geo_precision, source, notes, fatalities, among ACLED\'s 31 columns',
  alerts:
    'an air-raid alerts CSV file (UTF-8, comma-separated, a header row): oblast, raion, hromada, level, started_at, finished_at (times as YYYY-MM-DD HH:MM:SS with an optional offset, e.g. 2022-03-15 16:10:34+00:00)',
};

export interface ReplayOptions {
  kind: Kind;
  file: string;
  /** The server; absent only for a dry run. */
  url?: string;
  apiKey?: string;
  batch: number;
  source: string;
  crosswalk: string;
  limit?: number;
  /** UCDP: what events whose words name no weapon become. */
  undetermined?: Activity | 'skip';
  clock?: 'live' | 'event';
  dryRun?: boolean;
  fetch?: Fetch;
  /** Progress output; false for none (tests, pipes). */
  progress?: boolean;
}

/** Reasons with how many and two examples each, most frequent first. */
export interface ReasonGroup {
  reason: string;
  count: number;
  examples: string[];
}

export interface ReplaySummary {
  kind: Kind;
  rows: number;
  parsed: number;
  skipped: number;
  skippedBy: ReasonGroup[];
  /** Observations by activity, and by how their location is known. */
  activities: Record<string, number>;
  locations: Record<string, number>;
  dryRun: boolean;
  sent: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  rejectedBy: ReasonGroup[];
  /** Accepted observations from before the package's effective time: stored as context, never violations. */
  context: number;
  violations: number;
  cases: number;
  /** With `--clock event`: the replay server's clock at the end. */
  clockAt?: string;
  seconds: number;
}

/** Nothing usable in the file: exit 1 (the file, not the command line, is wrong). */
export class NothingUsable extends Error {}

export function register(program: Command): void {
  const cmd = program
    .command('replay')
    .description(
      'send real data to a server as observations: UCDP GED events (ucdp), ACLED events (acled) or air-raid alerts (alerts)',
    )
    .argument('<kind>', `what the file holds: ${kinds.join(' or ')}`)
    .argument('<file>', 'the CSV file');
  shared(cmd, {
    url: { note: 'required unless --dry-run', aliases: ['--to'] },
    apiKey: { note: 'with the monitor role; required unless --dry-run', aliases: ['--key'] },
  })
    .option('--batch <n>', 'observations per request', '500')
    .option(
      '--source <id>',
      'the verification source of the package the observations come from (default: ucdp, acled, air-alerts)',
    )
    .option('--crosswalk <file>', 'region names to ISO 3166-2 codes (CSV)', defaultCrosswalk)
    .option('--limit <n>', 'send only the first n observations')
    .option(
      '--undetermined <activity>',
      'ucdp, acled: events whose words name no weapon are skipped (skip, the default), or sent as this activity',
      'skip',
    )
    .option(
      '--clock <live|event>',
      "live (default): the server's own clock; event: move a replay server's clock (serve --clock event) with the events",
      'live',
    )
    .option('--dry-run', 'read and map the file, print what would be sent, send nothing')
    .action(
      async (
        kind: string,
        file: string,
        opts: {
          url?: string;
          apiKey?: string;
          batch: string;
          source?: string;
          crosswalk: string;
          limit?: string;
          undetermined: string;
          clock: string;
          dryRun?: boolean;
        },
      ) => {
        if (!kinds.includes(kind as Kind)) throw new UsageError(`unknown kind "${kind}"; use ${kinds.join(' or ')}`);
        const batch = Number(opts.batch);
        if (!Number.isInteger(batch) || batch < 1 || batch > 100_000)
          throw new UsageError(`--batch must be a whole number from 1 to 100000, not "${opts.batch}"`);
        let limit: number | undefined;
        if (opts.limit !== undefined) {
          limit = Number(opts.limit);
          if (!Number.isInteger(limit) || limit < 0)
            throw new UsageError(`--limit must be a whole number, not "${opts.limit}"`);
        }
        if (opts.undetermined !== 'skip' && !(activities as readonly string[]).includes(opts.undetermined))
          throw new UsageError(
            `--undetermined must be skip or an activity (${activities.join(', ')}), not "${opts.undetermined}"`,
          );
        if (opts.clock !== 'live' && opts.clock !== 'event')
          throw new UsageError(`--clock must be live or event, not "${opts.clock}"`);
        const url = opts.url;
        if (!opts.dryRun) {
          if (url === undefined)
            throw new UsageError('--url is required (the server, e.g. http://localhost:8081), or --dry-run');
          if (opts.apiKey === undefined)
            throw new UsageError(
              '--api-key is required (an API key with the monitor role, or GUARANTOR_API_KEY), or --dry-run',
            );
        }
        if (url !== undefined) checkUrl(url);
        let summary: ReplaySummary;
        try {
          summary = await runReplay({
            kind: kind as Kind,
            file,
            batch,
            source: opts.source ?? defaultSource[kind as Kind],
            crosswalk: opts.crosswalk,
            undetermined: opts.undetermined as Activity | 'skip',
            clock: opts.clock,
            dryRun: opts.dryRun === true,
            progress: process.stderr.isTTY === true,
            ...(url !== undefined ? { url } : {}),
            ...(opts.apiKey !== undefined ? { apiKey: opts.apiKey } : {}),
            ...(limit !== undefined ? { limit } : {}),
          });
        } catch (e) {
          if (!(e instanceof NothingUsable)) throw e;
          process.stderr.write(`guarantor: ${e.message}\n`);
          process.exitCode = 1;
          return;
        }
        process.stdout.write(formatSummary(summary));
        process.exitCode = summary.rejected > 0 ? 1 : 0;
      },
    );
}

export function parseFile(
  kind: Kind,
  text: string,
  source: string,
  crosswalkText: string,
  undetermined: Activity | 'skip' = 'skip',
): ReplayParse {
  const crosswalk = parseCrosswalk(crosswalkText);
  try {
    if (kind === 'acled') return parseAcled(text, { source, crosswalk, undetermined });
    return kind === 'ucdp'
      ? parseUcdp(text, { source, crosswalk, undetermined })
      : parseAlerts(text, { source, crosswalk });
  } catch (e) {
    if (e instanceof CsvFormatError) throw new NothingUsable(`${e.message}\nexpected ${expectedFormat[kind]}`);
    throw e;
  }
}

/**
 * Groups reasons: values in quotes and numbers are masked for the key, so `dates "2/27/2023" are not days` and
 * `dates "3/1/2023" are not days` are one reason with two examples.
 */
export function groupReasons(items: Iterable<{ reason: string; example: string }>): ReasonGroup[] {
  const groups = new Map<string, ReasonGroup & { same: boolean }>();
  for (const { reason, example } of items) {
    const key = reason.replace(/"[^"]*"/g, '"…"').replace(/\d+(\.\d+)?/g, 'N');
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { reason, count: 0, examples: [], same: true }));
    else if (g.same && g.reason !== reason) g.same = false;
    g.count++;
    if (g.examples.length < 2) g.examples.push(example);
  }
  // A group reads as its first member's reason, and says so when the others differ in their values.
  return [...groups.values()]
    .map((g) => ({ reason: g.same ? g.reason : `${g.reason} (and the like)`, count: g.count, examples: g.examples }))
    .sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1));
}

function locationKind(o: ObservationInput): string {
  const l = o.location as { region?: string; radius?: number };
  if (l.region !== undefined) return 'region';
  return `point ±${Math.round((l.radius ?? 0) / 1000)} km`;
}

export async function runReplay(o: ReplayOptions): Promise<ReplaySummary> {
  const started = process.hrtime.bigint();
  const parsed = parseFile(o.kind, readText(o.file), o.source, readText(o.crosswalk), o.undetermined ?? 'skip');
  const skippedBy = groupReasons(
    parsed.skipped.map((k) => ({
      reason: k.reason,
      example: `line ${k.line}${k.id ? ` (${o.kind === 'ucdp' ? 'id ' : ''}${k.id})` : ''}`,
    })),
  );
  const rows = parsed.observations.length + parsed.skipped.length;
  if (parsed.observations.length === 0) {
    const why = skippedBy
      .slice(0, 3)
      .map((g) => `\n  ${g.count} × ${g.reason} (e.g. ${g.examples.join(', ')})`)
      .join('');
    throw new NothingUsable(
      `nothing usable in ${o.file}: ${plural(rows, 'row')}, 0 observations${why}\nexpected ${expectedFormat[o.kind]}`,
    );
  }
  let items = o.limit !== undefined ? parsed.observations.slice(0, o.limit) : parsed.observations;
  const s: ReplaySummary = {
    kind: o.kind,
    rows,
    parsed: parsed.observations.length,
    skipped: parsed.skipped.length,
    skippedBy,
    activities: {},
    locations: {},
    dryRun: o.dryRun === true,
    sent: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    rejectedBy: [],
    context: 0,
    violations: 0,
    cases: 0,
    seconds: 0,
  };
  for (const x of items) {
    s.activities[x.activity] = (s.activities[x.activity] ?? 0) + 1;
    const k = locationKind(x);
    s.locations[k] = (s.locations[k] ?? 0) + 1;
  }
  if (o.dryRun) {
    s.seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return s;
  }
  if (o.url === undefined || o.apiKey === undefined)
    throw new UsageError('a replay that sends needs --url and --api-key');
  const api = new ApiClient(o.url, o.fetch, o.apiKey);
  const rejections: { reason: string; example: string }[] = [];

  // On the event clock, observations go in the order they became known (the end of an interval, else the time: a
  // week-long GED event is reported once the week is over), in batches that never span two UTC days; before each,
  // the clock is set to the batch's latest such time, so a case opens on the day its threshold could be known.
  let batches: ObservationInput[][] = [];
  if (o.clock === 'event') {
    const clock = await api.call('getClock', {});
    if (clock.status !== 200) throw new Refused("the server's clock", clock);
    if (clock.body.mode !== 'event')
      throw new UsageError(
        `the server at ${o.url} runs the live clock; --clock event needs a replay server (guarantor serve --clock event)`,
      );
    items = items
      .map((x, i) => ({ x, i, t: knownAt(x) }))
      .sort((a, b) => a.t - b.t || a.i - b.i)
      .map((e) => e.x);
    let cur: ObservationInput[] = [];
    let day = '';
    for (const x of items) {
      const d = new Date(knownAt(x)).toISOString().slice(0, 10);
      if (cur.length && (d !== day || cur.length >= o.batch)) {
        batches.push(cur);
        cur = [];
      }
      day = d;
      cur.push(x);
    }
    if (cur.length) batches.push(cur);
  } else {
    for (let i = 0; i < items.length; i += o.batch) batches.push(items.slice(i, i + o.batch));
  }

  const bar = o.progress
    ? new SingleBar(
        {
          format:
            'replay {bar} {value}/{total} observations | {accepted} accepted, {duplicates} duplicate, {rejected} rejected | {eta_formatted}',
          hideCursor: true,
        },
        Presets.shades_classic,
      )
    : undefined;
  bar?.start(items.length, 0, { accepted: 0, duplicates: 0, rejected: 0 });
  const count = (
    body: { accepted?: number; duplicates?: number; context?: number; violations?: number; cases?: number },
    n: number,
  ) => {
    s.accepted += body.accepted ?? n;
    s.duplicates += body.duplicates ?? 0;
    s.context += body.context ?? 0;
    s.violations += body.violations ?? 0;
    s.cases += body.cases ?? 0;
  };
  const send = (batch: ObservationInput[]) => api.call('postObservations', { body: batch });

  try {
    let done = 0;
    for (const batch of batches) {
      if (o.clock === 'event') {
        const latest = batch.reduce((m, x) => Math.max(m, knownAt(x)), -Infinity);
        const r = await api.call('postClock', { body: { time: new Date(latest).toISOString() } });
        if (r.status !== 200) throw new Refused(`moving the clock to ${new Date(latest).toISOString()}`, r);
        if (r.body.time !== undefined) s.clockAt = r.body.time;
      }
      s.sent += batch.length;
      let r = await send(batch);
      if (r.status === 400 && r.body.problems) {
        const bad = new Set<number>();
        for (const p of r.body.problems) {
          if (typeof p.index !== 'number') continue;
          bad.add(p.index);
          rejections.push({
            reason: `${p.path ? p.path + ': ' : ''}${p.reason}`,
            example: batch[p.index]?.sourceId ?? '?',
          });
        }
        // A list cut short (problemCount) may leave bad items in the rest: then the retry fails and says so.
        if (bad.size) {
          s.rejected += bad.size;
          const rest = batch.filter((_, k) => !bad.has(k));
          if (rest.length) {
            r = await send(rest);
            if (r.status === 200) count(r.body, rest.length);
          } else r = { status: 200, contentType: 'application/json', body: {}, bytes: new Uint8Array() };
        }
      } else if (r.status === 200) {
        count(r.body, batch.length);
      }
      if (r.status !== 200) throw new Refused(`observations ${done}..${done + batch.length - 1}`, r);
      done += batch.length;
      bar?.update(done, { accepted: s.accepted, duplicates: s.duplicates, rejected: s.rejected });
    }
  } finally {
    bar?.stop();
  }
  s.rejectedBy = groupReasons(rejections);
  s.seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return s;
}

/** When a report could first be known: the end of its interval, or its time. */
function knownAt(x: ObservationInput): number {
  return Date.parse(x.until ?? x.time);
}

const n = (x: number) => x.toLocaleString('en-GB');
const tally = (r: Record<string, number>) =>
  Object.entries(r)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([k, v]) => `${k} ${n(v)}`)
    .join(', ');

function groups(title: string, gs: ReasonGroup[], what: string): string[] {
  if (!gs.length) return [];
  return [title, ...gs.map((g) => `  ${n(g.count).padStart(6)}  ${g.reason}  (e.g. ${what}${g.examples.join(', ')})`)];
}

export function formatSummary(s: ReplaySummary): string {
  const lines = [
    `${plural(s.rows, 'row')} read: ${plural(s.parsed, 'observation')}, ${plural(s.skipped, 'row')} skipped`,
  ];
  const sent = s.sent || Object.values(s.activities).reduce((a, b) => a + b, 0);
  lines.push(`  activity: ${tally(s.activities)}`, `  location: ${tally(s.locations)}`);
  lines.push(...groups('skipped, by reason:', s.skippedBy, ''));
  if (s.dryRun) {
    lines.push(`dry run: ${plural(sent, 'observation')} mapped, nothing sent`);
    return lines.join('\n') + '\n';
  }
  lines.push(
    `${n(s.sent)} sent in ${s.seconds.toFixed(1)} s: ${n(s.accepted)} accepted, ${n(s.duplicates)} duplicate, ${n(s.rejected)} rejected; ${plural(s.violations, 'violation record')}, ${plural(s.cases, 'case')} opened`,
  );
  if (s.context)
    lines.push(
      `  ${n(s.context)} of the observations are from before the package's effective time: stored as context, not violations`,
    );
  if (s.clockAt) lines.push(`  the replay server's clock is now ${s.clockAt}`);
  lines.push(...groups('rejected by the server, by reason:', s.rejectedBy, 'source id '));
  return lines.join('\n') + '\n';
}
