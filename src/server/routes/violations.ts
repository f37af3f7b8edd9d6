/** Violations: incidents checked against the package's prohibitions, with attribution and evidence. */
import type { ViolationFilter } from '../../core/ports/store.js';
import { can } from '../access.js';
import type { ServerDeps } from '../deps.js';
import { exportFormatOf, sendExport } from '../exports.js';
import type { RoutePlugin } from '../type-provider.js';
import { sendError } from '../errors.js';
import {
  orderProperty,
  listQuerySchema,
  exportablePageSchema,
  storeFilter,
  text,
  type RawListQuery,
} from '../list-query.js';

export const violationSchema = { $ref: 'Violation#' } as const;

export const violationRoutes: RoutePlugin<ServerDeps> = async (app, { store }) => {
  app.get(
    '/v1/violations',
    {
      config: { access: can.readFindings },
      schema: {
        tags: ['violations'],
        summary: 'Violations (latest revisions), in order of detection (or newest first)',
        querystring: listQuerySchema({
          zone: text('A zone id of the package'),
          region: text('A region code'),
          prohibition: text('A prohibition id'),
          party: text('An actor id, or undetermined'),
          status: { type: 'string', enum: ['active', 'withdrawn'] },
          order: orderProperty,
        }),
        response: { 200: exportablePageSchema(violationSchema) },
      },
    },
    async (request, reply) => {
      // `Accept: text/csv` or `application/geo+json`: every matching record, streamed (docs/operations/report.md).
      const format = exportFormatOf(request.headers.accept);
      if (format) return sendExport(reply, store, 'violations', format, request.query as RawListQuery);
      return store.listViolations(storeFilter<ViolationFilter>(request.query as RawListQuery));
    },
  );

  app.get(
    '/v1/violations/:id',
    {
      config: { access: can.readFindings },
      schema: {
        tags: ['violations'],
        summary: 'One violation',
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 100 } }, required: ['id'] },
        response: { 200: violationSchema, 404: { $ref: 'Error#' } },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      return (
        (await store.getViolation(id)) ?? sendError(reply, 404, { error: 'not-found', message: `no violation ${id}` })
      );
    },
  );
};
