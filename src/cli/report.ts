/**
 * `guarantor report daily --date YYYY-MM-DD [--db PATH|URL | --url URL] --format md|html|pdf|json [--out FILE]`
 * (docs/operations/report.md). With `--db` it reads the store directly (with the package from `--package`); with
 * `--url` it asks a running server (`GET /v1/reports/daily`, with `--api-key`; without one the public variant). Bad
 * input exits 2 naming the option.
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
import { ApiClient, Refused, type Fetch } from './api-client.js';
import { dbOf, existingDb, shared } from './options.js';
import { UsageError } from './usage-error.js';

export const cliReportFormats = reportFormats;
type Format = ReportFormat;

export interface DailyOptions {
  date: string;
  format: string;
  db?: string;
  url?: string;
  apiKey?: string;
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
  doFetch?: Fetch,
): Promise<Uint8Array> {
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
  if (o.url !== undefined) return fromServer(o.url, o, format, doFetch);

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
  const db = existingDb(dbOf(o, env));
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

async function fromServer(url: string, o: DailyOptions, format: Format, doFetch?: Fetch): Promise<Uint8Array> {
  const api = new ApiClient(url, doFetch, o.apiKey);
  const query = {
    date: o.date,
    format,
    ...(o.sections !== undefined ? { sections: o.sections } : {}),
    ...(o.cutoff !== undefined ? { cutoff: o.cutoff } : {}),
    ...(o.offset !== undefined ? { offset: o.offset } : {}),
  };
  const a = o.apiKey
    ? await api.call('getReportsDaily', { query })
    : await api.call('getPublicReportsDaily', { query });
  if (a.status !== 200) throw new Refused(`the daily report of ${o.date}`, a);
  return a.bytes;
}

export function register(program: Command): void {
  const report = program.command('report').description('reports: the daily report (docs/operations/report.md)');
  const daily = report
    .command('daily')
    .description("the mission's daily report for a day, as of a cut-off (package-local midnight by default)")
    .requiredOption('--date <YYYY-MM-DD>', "the report's day, in the package's local time")
    .option('--format <format>', `${cliReportFormats.join(', ')}`, 'md')
    .option('--package <file>', 'the package the store runs (with --db; default GUARANTOR_PACKAGE)');
  shared(daily, {
    db: { note: 'read this store directly' },
    url: { note: 'ask a running server instead' },
    apiKey: { note: 'with --url; without one, the public variant', aliases: ['--key'] },
  })
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
