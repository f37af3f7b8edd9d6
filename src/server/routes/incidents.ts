/** Incidents (fused observations): the latest revision, and every revision. */
import type { IncidentFilter } from '../../core/ports/store.js';
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

export const incidentSchema = { $ref: 'Incident#' } as const;

const idParams = { type: 'object', properties: { id: { type: 'string', maxLength: 100 } }, required: ['id'] } as const;

export const incidentRoutes: RoutePlugin<ServerDeps> = async (app, { store }) => {
  app.get(
    '/v1/incidents',
    {
      config: { access: can.readFindings },
      schema: {
        tags: ['incidents'],
        summary: 'Incidents (latest revisions), in order of creation',
        querystring: listQuerySchema({
          activity: text('An activity'),
          region: text('A region code'),
          status: { type: 'string', enum: ['open', 'merged'] },
          order: orderProperty,
        }),
        response: { 200: exportablePageSchema(incidentSchema) },
      },
    },
    async (request, reply) => {
      // `Accept: text/csv` or `application/geo+json`: every matching record, streamed (docs/operations/report.md).
      const format = exportFormatOf(request.headers.accept);
      if (format) return sendExport(reply, store, 'incidents', format, request.query as RawListQuery);
      return store.listIncidents(storeFilter<IncidentFilter>(request.query as RawListQuery));
    },
  );

  app.get(
    '/v1/incidents/:id',
    {
      config: { access: can.readFindings },
      schema: {
        tags: ['incidents'],
        summary: 'One incident, latest revision',
        params: idParams,
        response: { 200: incidentSchema, 404: { $ref: 'Error#' } },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      return (
        (await store.getIncident(id)) ?? sendError(reply, 404, { error: 'not-found', message: `no incident ${id}` })
      );
    },
  );

  app.get(
    '/v1/incidents/:id/revisions',
    {
      config: { access: can.readFindings },
      schema: {
        tags: ['incidents'],
        summary: 'Every revision of an incident, oldest first',
        params: idParams,
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            required: ['items'],
            properties: { items: { type: 'array', items: incidentSchema } },
          },
          404: { $ref: 'Error#' },
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const items = await store.incidentHistory(id);
      return items.length ? { items } : sendError(reply, 404, { error: 'not-found', message: `no incident ${id}` });
    },
  );
};
