/** Breach cases opened by triggers: severity, party, the window, the evidence chain, when the clock started. */
import type { CaseFilter } from '../../core/ports/store.js';
import { can } from '../access.js';
import type { ServerDeps } from '../deps.js';
import { exportFormatOf, sendExport } from '../exports.js';
import type { RoutePlugin } from '../type-provider.js';
import { sendError } from '../errors.js';
import { listQuerySchema, exportablePageSchema, storeFilter, text, type RawListQuery } from '../list-query.js';

export const caseSchema = { $ref: 'Case#' } as const;

export const caseRoutes: RoutePlugin<ServerDeps> = async (app, { store }) => {
  app.get(
    '/v1/cases',
    {
      config: { access: can.readCases },
      schema: {
        tags: ['cases'],
        summary: 'Breach cases in the order they opened; from/to select by opening time',
        querystring: listQuerySchema({
          severity: text('A severity of the package'),
          trigger: text('A trigger id'),
          party: text('An actor id, or undetermined'),
        }),
        response: { 200: exportablePageSchema(caseSchema) },
      },
    },
    async (request, reply) => {
      // `Accept: text/csv` or `application/geo+json`: every matching case, streamed (docs/operations/report.md).
      const format = exportFormatOf(request.headers.accept);
      if (format) return sendExport(reply, store, 'cases', format, request.query as RawListQuery);
      const page = await store.listCases(storeFilter<CaseFilter>(request.query as RawListQuery));
      return { ...page, items: page.items.map(({ seq: _seq, ...c }) => c) };
    },
  );

  app.get(
    '/v1/cases/:id',
    {
      config: { access: can.readCases },
      schema: {
        tags: ['cases'],
        summary: 'One case',
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 100 } }, required: ['id'] },
        response: { 200: caseSchema, 404: { $ref: 'Error#' } },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const c = await store.getCase(id);
      if (!c) return sendError(reply, 404, { error: 'not-found', message: `no case ${id}` });
      const { seq: _seq, ...rest } = c;
      return rest;
    },
  );
};
