/**
 * `guarantor report daily --date YYYY-MM-DD [--db PATH|URL | --url URL] --format md|html|pdf|json [--out FILE]`
 * (docs/operations/report.md). With `--db` it reads the store directly (with the package from `--package`); with
 * `--url` it asks a running server (`GET /v1/reports/daily`, with `--key`). Bad input exits 2 naming the option.
 */
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { reportSections, type ReportSection } from '../core/report/daily.js';
import { checkedReportWindow, packageOffset } from '../core/report/window.js';
import { caseworkFor } from '../server/casework.js';
import { packageMap } from '../server/dashboard/package-geometry.js';
import { PdfUnavailableError } from '../server/report-pdf.js';
import {
  buildDailyReport,
  renderReport,
  reportFormats,
  reportPackageOf,
  type ReportFormat,
} from '../server/reports.js';
import { logStoreFor } from '../server/transparency-log.js';
import { ledgerStoreFor } from '../store/ledger-store.js';
import { describeDb, openStore } from '../store/open.js';
import { loadPackageFile } from '../package-files.js';
import { UsageError } from './usage-error.js';

export const cliReportFormats = reportFormats;
type Format = ReportFormat;

export interface DailyOptions {
  date: string;
  format: string;
  db?: string;
  url?: string;
  key?: string;
  package?: string;
  out?: string;
  sections?: string;
  cutoff?: string;
  offset?: string;
}

/** The report's bytes, by the options; throws UsageError for bad input. */
export async function dailyReportBytes(
  o: DailyOptions,
  env: Record<string, string | undefined>,
  now: number,
): Promise<Buffer> {
  if (!(cliReportFormats as readonly string[]).includes(o.format))
    throw new UsageError(`--format: "${o.format}" is not a format; use ${cliReportFormats.join(', ')}`);
  const format = o.format as Format;
  if (o.url !== undefined && o.db !== undefined) throw new UsageError('--db and --url: give one, not both');
  let sections: ReportSection[] | undefined;
  if (o.sections !== undefined) {
    sections = o.sections
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean) as ReportSection[];
    const unknown = sections.find((s) => !reportSections.includes(s));
    if (unknown !== undefined || !sections.length)
      throw new UsageError(`--sections: "${unknown ?? o.sections}" is not a section; use ${reportSections.join(', ')}`);
  }
  if (o.url !== undefined) return fromServer(o, format, env);

  const packagePath = o.package ?? env['GUARANTOR_PACKAGE'];
  if (!packagePath)
    throw new UsageError('--package: reading a store needs the package it runs (--package FILE or GUARANTOR_PACKAGE)');
  const loaded = loadPackageFile(packagePath);
  if (!loaded.model)
    throw new UsageError(`--package: ${packagePath} has errors; run \`guarantor check ${packagePath}\``);
  const pkg = loaded.model;
  const w = checkedReportWindow(o.date, {
    offset: o.offset ?? packageOffset(pkg.effective.text),
    ...(o.cutoff ? { cutoff: o.cutoff } : {}),
    effective: pkg.effective.start,
    now,
  });
  if (!w.ok) throw new UsageError(`--${w.field}: ${w.reason}`);
  const db = o.db ?? env['DATABASE_URL'] ?? 'data/guarantor.db';
  let store;
  try {
    store = await openStore(db);
  } catch (e) {
    throw new UsageError(`--db: cannot open the store ${describeDb(db)}: ${(e as Error).message}`);
  }
  try {
    const clock = { now: () => now };
    const log = logStoreFor(store);
    const report = await buildDailyReport(
      {
        store,
        casework: caseworkFor(store, pkg, clock).store,
        pkg: reportPackageOf(pkg, loaded),
        checkpoint: () => log.latestCheckpoint(),
        // Read only: the alerts as the server last derived them.
        sustainment: async () => ({
          status: 'ledger',
          alerts: await ledgerStoreFor(store).listAlerts({ limit: 100_000 }),
        }),
      },
      { window: w.window, ...(sections ? { sections } : {}) },
    );
    try {
      return await renderReport(report, format, format === 'html' || format === 'pdf' ? packageMap(loaded) : undefined);
    } catch (e) {
      if (e instanceof PdfUnavailableError) throw new UsageError(`--format pdf: ${e.message}`);
      throw e;
    }
  } finally {
    await store.close();
  }
}

async function fromServer(o: DailyOptions, format: Format, env: Record<string, string | undefined>): Promise<Buffer> {
  const key = o.key ?? env['GUARANTOR_KEY'];
  let url: URL;
  try {
    url = new URL(key ? '/v1/reports/daily' : '/v1/public/reports/daily', o.url);
  } catch {
    throw new UsageError(`--url: "${o.url}" is not a URL`);
  }
  url.searchParams.set('date', o.date);
  url.searchParams.set('format', format);
  for (const k of ['sections', 'cutoff', 'offset'] as const) if (o[k] !== undefined) url.searchParams.set(k, o[k]!);
  let res: Response;
  try {
    res = await fetch(url, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  } catch (e) {
    throw new UsageError(
      `--url: cannot reach ${url.origin}: ${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message}`,
    );
  }
  const body = Buffer.from(await res.arrayBuffer());
  if (res.status >= 400) {
    let message = body.toString('utf8').slice(0, 500);
    try {
      message = (JSON.parse(message) as { message?: string }).message ?? message;
    } catch {
      /* not JSON: the text as is */
    }
    if (res.status < 500) throw new UsageError(`the server refused the report (${res.status}): ${message}`);
    throw new Error(`the server failed (${res.status}): ${message}`);
  }
  return body;
}

export function register(program: Command): void {
  const report = program.command('report').description('reports: the daily report (docs/operations/report.md)');
  report
    .command('daily')
    .description("the mission's daily report for a day, as of a cut-off (package-local midnight by default)")
    .requiredOption('--date <YYYY-MM-DD>', "the report's day, in the package's local time")
    .option('--format <format>', `${cliReportFormats.join(', ')}`, 'md')
    .option(
      '--db <path|url>',
      'read this store directly (a SQLite path or postgres:// URL; default DATABASE_URL or data/guarantor.db)',
    )
    .option('--package <file>', 'the package the store runs (with --db; default GUARANTOR_PACKAGE)')
    .option('--url <url>', 'ask a running server instead')
    .option('--key <key>', 'API key for --url (default GUARANTOR_KEY; without one, the public variant)')
    .option('--sections <list>', `a comma-separated subset of: ${reportSections.join(', ')}`)
    .option('--cutoff <HH:MM>', 'local time of day of the cut-off (default 24:00)')
    .option('--offset <+HH:MM>', "the package's UTC offset (default: the one its effective date is written in)")
    .option('--out <file>', 'write to a file instead of standard output')
    .action(async (o: DailyOptions) => {
      const bytes = await dailyReportBytes(o, process.env, Date.now());
      if (o.out) writeFileSync(o.out, bytes);
      else process.stdout.write(bytes);
    });
}
