/**
 * The daily report over HTTP (docs/operations/report.md):
 *
 * - `GET /v1/reports/daily?date=YYYY-MM-DD`         keyed: the sections the caller's role may see
 * - `GET /v1/public/reports/daily?date=YYYY-MM-DD`  public: the public variant (counts and declared outcomes only)
 *
 * `format` picks the rendering, `sections` a subset (a section the role may not see is a 403 naming it), `cutoff`
 * and `offset` the cut-off time and the package's UTC offset. Timers that fell due are fired first, as on every
 * casework route, so the case files hold everything up to now.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RoutePlugin } from '../type-provider.js';
import { reportSections, sectionAccess, type ReportSection } from '../../core/report/daily.js';
import { checkedReportWindow, packageOffset } from '../../core/report/window.js';
import { caseworkFor } from '../casework.js';
import type { ServerDeps } from '../deps.js';
import { actorRolesOf, can, isMission } from '../access.js';
import { HttpError } from '../errors.js';
import { packageMap, type PackageMap } from '../dashboard/package-geometry.js';
import { PdfBusyError, PdfUnavailableError } from '../report-pdf.js';
import {
  buildDailyReport,
  renderReport,
  reportContentTypes,
  reportFormats,
  reportPackageOf,
  type ReportFormat,
} from '../reports.js';
import { ledgerFor } from '../ledger.js';
import { logServiceFor } from '../transparency-log.js';

const querystring = {
  type: 'object',
  additionalProperties: false,
  required: ['date'],
  properties: {
    date: { type: 'string', maxLength: 20, description: "The report's day, YYYY-MM-DD, in the package's local time" },
    format: {
      type: 'string',
      enum: reportFormats,
      default: 'json',
      description: 'json, md (Markdown), html (with an SVG map and charts), pdf (A4, printed by Chromium)',
    },
    sections: {
      type: 'string',
      maxLength: 200,
      description: `Comma-separated subset of: ${reportSections.join(', ')}`,
    },
    cutoff: {
      type: 'string',
      maxLength: 10,
      description: 'Local time of day of the cut-off, HH:MM (default 24:00: midnight at the end of the day)',
    },
    offset: {
      type: 'string',
      maxLength: 10,
      description: "The package's local time as a UTC offset, +02:00 (default: the offset `effective` is written in)",
    },
  },
} as const;

interface Query {
  date: string;
  format: ReportFormat;
  sections?: string;
  cutoff?: string;
  offset?: string;
}

/** Alerts read for a report: far more than a package's requirements, guarantors and months can raise. */
const maxAlerts = 100_000;

const bad = (field: string, reason: string) =>
  new HttpError(400, {
    error: 'invalid-querystring',
    message: `${field}: ${reason}`,
    problems: [{ path: `querystring.${field}`, reason }],
  });

/** The report in the format asked for (`format`): JSON (docs/operations/report.md), Markdown, HTML or PDF. */
const reportBody = {
  description: 'The daily report in the format asked for',
  content: {
    'application/json': { schema: { type: 'object', additionalProperties: true } },
    'text/markdown': { schema: { type: 'string' } },
    'text/html': { schema: { type: 'string' } },
    'application/pdf': { schema: { type: 'string', format: 'binary' } },
  },
} as const;

export const reportRoutes: RoutePlugin<ServerDeps> = async (app, deps) => {
  const pkg = deps.operations.model.pkg;
  const clock = deps.operations.clock;
  const reportPkg = reportPackageOf(pkg, deps.package);
  const actorRoles = actorRolesOf(pkg);
  const cw = caseworkFor(deps.store, pkg, clock);
  const log = logServiceFor(deps.store, clock, pkg.package);
  const defaultOffset = packageOffset(pkg.effective.text);
  // The map is drawn once, on the first HTML or PDF report (the dashboard draws its own the same way).
  let map: PackageMap | undefined;
  const mapOnce = () => (deps.package ? (map ??= packageMap(deps.package)) : undefined);

  const parseSections = (text: string | undefined, allowed: readonly ReportSection[], who: string): ReportSection[] => {
    if (text === undefined) return [...allowed];
    const out: ReportSection[] = [];
    for (const s of text
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean)) {
      if (!(reportSections as readonly string[]).includes(s))
        throw bad('sections', `"${s}" is not a section; use ${reportSections.join(', ')}`);
      if (!allowed.includes(s as ReportSection)) {
        throw new HttpError(403, {
          error: 'forbidden-section',
          message: `sections: ${who} may not see "${s}"; it may see ${allowed.join(', ') || 'no section'}`,
          problems: [{ path: 'querystring.sections', reason: `${who} may not see "${s}"` }],
        });
      }
      if (!out.includes(s as ReportSection)) out.push(s as ReportSection);
    }
    if (!out.length) throw bad('sections', 'names no section');
    return out;
  };

  const answer = async (request: FastifyRequest, reply: FastifyReply, isPublic: boolean) => {
    const q = request.query as Query;
    const role = request.principal?.role;
    const mission = isMission(request.principal, actorRoles);
    const allowed = isPublic ? sectionAccess.public : sectionAccess[mission ? 'mission' : (role ?? 'monitor')];
    const sections = parseSections(
      q.sections,
      allowed,
      isPublic
        ? 'the public'
        : mission
          ? "the mission's monitor key"
          : `${/^[aeiou]/.test(role ?? '') ? 'an' : 'a'} ${role} key`,
    );
    const w = checkedReportWindow(q.date, {
      offset: q.offset ?? defaultOffset,
      ...(q.cutoff ? { cutoff: q.cutoff } : {}),
      effective: reportPkg.effective,
      now: clock.now(),
    });
    if (!w.ok) throw bad(w.field, w.reason);
    await cw.catchUp();
    const report = await buildDailyReport(
      {
        store: deps.store,
        casework: cw.store,
        pkg: reportPkg,
        checkpoint: () => log.latest(),
        // The ledger derives its alerts for now first (as its own routes do), then every alert is read at the cut-off.
        sustainment: async () => ({
          status: 'ledger',
          alerts: await ledgerFor(deps.store, pkg, clock).alerts({ limit: maxAlerts }),
        }),
      },
      { window: w.window, sections, public: isPublic },
    );
    let body: Buffer;
    try {
      body = await renderReport(report, q.format, q.format === 'html' || q.format === 'pdf' ? mapOnce() : undefined);
    } catch (e) {
      if (e instanceof PdfUnavailableError) throw new HttpError(503, { error: 'pdf-unavailable', message: e.message });
      if (e instanceof PdfBusyError) {
        reply.header('retry-after', '5');
        throw new HttpError(503, { error: 'pdf-busy', message: e.message });
      }
      throw e;
    }
    reply.header('content-type', reportContentTypes[q.format]);
    if (q.format === 'pdf') reply.header('content-disposition', `inline; filename="daily-report-${q.date}.pdf"`);
    return reply.send(body);
  };

  app.get(
    '/v1/reports/daily',
    {
      config: { access: can.readCases },
      schema: {
        tags: ['reports'],
        summary: "The daily report: the sections the caller's role may see (docs/operations/report.md)",
        querystring,
        response: { 200: reportBody, 400: { $ref: 'Error#' }, 403: { $ref: 'Error#' }, 503: { $ref: 'Error#' } },
      },
    },
    (request, reply) => answer(request, reply, false),
  );

  app.get(
    '/v1/public/reports/daily',
    {
      config: { access: 'public' },
      schema: {
        tags: ['reports'],
        summary:
          'The public daily report: violation counts by type and region, declared breaches, publicly marked response failures, the checkpoint',
        querystring,
        response: { 200: reportBody, 400: { $ref: 'Error#' }, 403: { $ref: 'Error#' }, 503: { $ref: 'Error#' } },
      },
    },
    (request, reply) => answer(request, reply, true),
  );
};
