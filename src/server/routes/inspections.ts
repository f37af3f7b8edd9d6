/**
 * Inspections on request (docs/operations/responses.md, "Inspections on request"):
 * - `POST /v1/inspections`       a party asks a source with `on-request` to inspect: the verifying body's task, due
 *                                the package's `on-request` time later (201; the same request again: 200)
 * - `GET /v1/inspections`        the requests with their tasks (a party sees its own)
 * - `GET /v1/inspections/:id`    one request
 * The task is acknowledged and delivered like any response task (`POST /v1/cases/:id/tasks/0/:actor/...`), falls
 * overdue and escalates on the package's schedule, and is written to the transparency log.
 */
import type { FastifyReply } from 'fastify';
import type { CaseFile } from '../../core/ops/index.js';
import { MAX_INSPECTION_NOTE } from '../../core/ops/index.js';
import { can, principalOf } from '../access.js';
import { caseworkFor } from '../casework.js';
import type { ServerDeps } from '../deps.js';
import { sendError } from '../errors.js';
import type { RoutePlugin } from '../type-provider.js';
import { itemAt } from '../../core/item-at.js';

const request = {
  type: 'object',
  additionalProperties: false,
  required: ['source', 'note'],
  properties: {
    source: { type: 'string', maxLength: 100, description: 'A verification source with `on-request`' },
    zone: { type: 'string', maxLength: 100, description: 'Where to inspect: a zone the source covers' },
    note: { type: 'string', maxLength: MAX_INSPECTION_NOTE, description: 'What to inspect, and why' },
  },
} as const;

const inspection = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'source', 'operator', 'requestedBy', 'note', 'requestedAt', 'task'],
  properties: {
    id: { type: 'string' },
    source: { type: 'string' },
    operator: { type: 'string', description: 'Who owes the inspection: the source operator' },
    requestedBy: { type: 'string' },
    zone: { type: 'string' },
    note: { type: 'string' },
    requestedAt: { type: 'string', format: 'date-time' },
    task: { $ref: 'Task#', description: 'The task, as a response task: status, dueAt, overdue, failure, escalations' },
  },
} as const;

/** Who may read requests: those who read cases, the monitors who owe them, and the parties that made them. */
const readers = [...can.readCases.filter((r) => r !== 'mission'), 'monitor', 'party'] as const;

function view(f: CaseFile) {
  const r = f.inspection;
  if (!r) throw new Error(`case ${f.caseId}: not an inspection request`);
  return {
    id: f.caseId,
    source: r.source,
    operator: r.operator,
    requestedBy: r.requestedBy,
    ...(r.zone === undefined ? {} : { zone: r.zone }),
    note: r.note,
    requestedAt: new Date(r.requestedAt).toISOString(),
    task: itemAt(f.tasks, 0),
  };
}

export const inspectionRoutes: RoutePlugin<ServerDeps> = async (app, deps) => {
  const cw = () => caseworkFor(deps.store, deps.operations.model.pkg, deps.operations.clock);
  const notFound = (reply: FastifyReply, id: string) =>
    sendError(reply, 404, { error: 'not-found', message: `no inspection request ${id}` });

  app.post(
    '/v1/inspections',
    {
      config: { access: ['party'] },
      schema: {
        tags: ['responses'],
        summary: "A party's request for an inspection: the verifying body's task, due by the package's on-request time",
        body: request,
        response: {
          200: { description: 'The same request was already made: the one on file', ...inspection },
          201: inspection,
          400: { description: 'invalid-inspection: the field and the reason', $ref: 'Error#' },
        },
      },
    },
    async (req, reply) => {
      const body = req.body as { source: string; zone?: string; note: string };
      const r = await cw().requestInspection({ ...body, requestedBy: principalOf(req).actor });
      if (!r.ok)
        return sendError(reply, 400, {
          error: 'invalid-inspection',
          message: `${r.field}: ${r.message}`,
          problems: [{ path: r.field === 'requestedBy' ? 'principal.actor' : `body.${r.field}`, reason: r.message }],
        });
      return reply.code(r.created ? 201 : 200).send(view(r.file));
    },
  );

  app.get(
    '/v1/inspections',
    {
      config: { access: readers },
      schema: {
        tags: ['responses'],
        summary: 'Inspection requests with their tasks, oldest first (a party sees its own)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
        },
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            required: ['items'],
            properties: { items: { type: 'array', items: inspection } },
          },
        },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const { limit } = req.query as { limit: number };
      const files = await cw().inspections(limit, p.role === 'party' ? p.actor : undefined);
      return { items: files.map(view) };
    },
  );

  app.get(
    '/v1/inspections/:id',
    {
      config: { access: readers },
      schema: {
        tags: ['responses'],
        summary: 'One inspection request with its task',
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', maxLength: 100 } },
        },
        response: { 200: inspection, 404: { $ref: 'Error#' } },
      },
    },
    async (req, reply) => {
      const { id } = req.params as { id: string };
      const f = await cw().file(id);
      const p = principalOf(req);
      if (!f?.inspection || (p.role === 'party' && f.inspection.requestedBy !== p.actor)) return notFound(reply, id);
      return view(f);
    },
  );
};
