/**
 * The daily report's inputs read from the stores (docs/operations/report.md): active violations with event times in
 * the chart's 30 days before the cut-off (one range scan by event time), every case file opened before
 * it, the sustainment ledger's alerts (none until a ledger exists), and the log checkpoint. The report itself is
 * `core/report/daily.ts`, a pure function of these; this module only fetches them.
 *
 * The checkpoint is taken after the records are read, so it covers at least everything the report counted.
 */
import { isInspection, type CaseFile, type Violation } from '../core/ops/index.js';
import type { CaseworkStore } from '../core/ports/casework.js';
import type { Store } from '../core/ports/store.js';
import type { StoredCheckpoint } from '../core/ports/tlog.js';
import { renderReportMarkdown } from '../core/report/markdown.js';
import { checkpointFooter, renderReportHtml, type ReportMap } from '../core/report/html.js';
import { printPdf } from './report-pdf.js';
import {
  dailyReport,
  historyMs,
  renderReportJson,
  reportPackage,
  type DailyReport,
  type ReportCheckpoint,
  type ReportPackage,
  type ReportSection,
  type SustainmentInput,
} from '../core/report/daily.js';
import type { ReportWindow } from '../core/report/window.js';
import type { LoadedPackage } from '../core/spec/load.js';
import type { Package } from '../core/spec/schema.js';
import { parseCheckpoint } from '../core/tlog/index.js';
import { itemAt } from '../core/item-at.js';

/** Region code -> name from the package's regions layer. */
export function regionNames(loaded: LoadedPackage | undefined): Map<string, string> {
  const out = new Map<string, string>();
  const spec = loaded?.model?.regions;
  if (!loaded || !spec) return out;
  for (const f of (
    loaded.geometries.get(spec.geometry)?.geojson as
      { features?: { properties?: Record<string, unknown> }[] } | undefined
  )?.features ?? []) {
    const code = f.properties?.[spec.code];
    const name = f.properties?.[spec.name];
    if (typeof code === 'string' && code) out.set(code, typeof name === 'string' && name ? name : code);
  }
  return out;
}

export function reportPackageOf(pkg: Package, loaded: LoadedPackage | undefined): ReportPackage {
  return reportPackage(pkg, regionNames(loaded));
}

/**
 * Breach case files opened before `end` (not inspection requests). Case files are few (one per breach), so they are
 * read in one query.
 */
export async function caseFilesBefore(casework: CaseworkStore, end: number): Promise<CaseFile[]> {
  return (await casework.listCaseFiles({ limit: 1_000_000 })).filter((f) => f.openedAt < end && !isInspection(f));
}

/** A stored checkpoint as the report names it: origin, size, root, time, and the witnesses that cosigned it. */
export function reportCheckpoint(cp: StoredCheckpoint): ReportCheckpoint {
  const parsed = parseCheckpoint(cp.note);
  const origin = parsed.ok ? parsed.checkpoint.origin : itemAt(cp.note.split('\n', 1), 0);
  const witnesses = [
    ...new Set(cp.cosignatures.map((l) => /^— (\S+) /.exec(l)?.[1]).filter((x): x is string => x !== undefined)),
  ].sort();
  return {
    origin,
    size: cp.size,
    root: Buffer.from(cp.root).toString('base64'),
    rootHex: Buffer.from(cp.root).toString('hex'),
    time: new Date(cp.time).toISOString(),
    witnesses,
  };
}

export interface ReportSources {
  store: Store;
  casework: CaseworkStore;
  pkg: ReportPackage;
  /** The checkpoint to report, taken after the records are read; undefined: none. */
  checkpoint?: () => Promise<StoredCheckpoint | undefined>;
  /** The ledger's alerts (every state; the report reads them at the cut-off); undefined: `no-ledger`. */
  sustainment?: () => Promise<SustainmentInput>;
}

export interface ReportRequest {
  window: ReportWindow;
  sections?: readonly ReportSection[];
  public?: boolean;
}

export async function buildDailyReport(src: ReportSources, q: ReportRequest): Promise<DailyReport> {
  const wantsViolations =
    !q.sections || q.sections.some((s) => s === 'violations' || s === 'heavy-weapons' || s === 'access');
  const violations: Violation[] = wantsViolations
    ? await src.store.activeViolationsBetween(q.window.end - historyMs, q.window.end)
    : [];
  const cases = await caseFilesBefore(src.casework, q.window.end);
  const sustainment = src.sustainment ? await src.sustainment() : ({ status: 'no-ledger' } as const);
  const cp = src.checkpoint ? await src.checkpoint() : undefined;
  return dailyReport({
    pkg: src.pkg,
    window: q.window,
    violations,
    cases,
    checkpoint: cp ? reportCheckpoint(cp) : null,
    sustainment,
    ...(q.sections ? { sections: q.sections } : {}),
    ...(q.public ? { public: true } : {}),
  });
}

export const reportFormats = ['json', 'md', 'html', 'pdf'] as const;
export type ReportFormat = (typeof reportFormats)[number];

export const reportContentTypes: Record<ReportFormat, string> = {
  json: 'application/json; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
};

/** The report in a format; `map` draws the HTML's (and PDF's) map. PDF throws PdfUnavailableError without Chromium. */
export async function renderReport(r: DailyReport, format: ReportFormat, map?: ReportMap): Promise<Buffer> {
  switch (format) {
    case 'json':
      return Buffer.from(renderReportJson(r));
    case 'md':
      return Buffer.from(renderReportMarkdown(r));
    case 'html':
      return Buffer.from(renderReportHtml(r, map));
    case 'pdf':
      return printPdf(renderReportHtml(r, map), checkpointFooter(r));
  }
}
