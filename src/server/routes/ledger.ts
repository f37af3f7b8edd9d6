/**
 * The sustainment ledger (docs/operations/ledger.md): pledges and deliveries in (all or nothing, a guarantor only
 * for itself, an admin for anyone), the records out with filters and cursor pages, coverage month by month (the
 * live month-twelve view), and decay alerts with their acknowledgement.
 */
import type { RoutePlugin } from '../type-provider.js';
import { alertKinds, alertStates } from '../../core/ledger/alerts.js';
import type { LedgerRecord } from '../../core/ledger/record.js';
import { coverageReport } from '../../core/ledger/view.js';
import type { LedgerFilter } from '../../core/ports/ledger.js';
import type { Role } from '../../core/ports/store.js';
import { actorRolesOf, can, notActingFor, type Principal, principalOf } from '../access.js';
import { defaultLimits, type ServerDeps } from '../deps.js';
import { HttpError, sendError } from '../errors.js';
import { ledgerFor } from '../ledger.js';
import { listQuerySchema, pageSchema, storeFilter, text, type RawListQuery } from '../list-query.js';

const report: readonly Role[] = ['guarantor', 'admin'];
const read: readonly Role[] = ['analyst', 'member', 'guarantor', 'admin'];

const recordSchema = {
  type: 'object',
  description: 'A ledger record as stored: a pledge, a withdrawal or a delivery, with seq, recordedAt and submittedBy',
  additionalProperties: true,
  properties: {
    type: { type: 'string', enum: ['pledge', 'withdrawal', 'delivery'] },
    id: { type: 'string' },
    by: { type: 'string' },
    requirement: { type: 'string' },
    seq: { type: 'integer' },
  },
} as const;

const alertSchema = {
  type: 'object',
  description: 'A decay alert: what it is about, the month the shortfall starts, its size and its state',
  additionalProperties: true,
  properties: {
    key: { type: 'string' },
    kind: { type: 'string', enum: [...alertKinds] },
    requirement: { type: 'string' },
    guarantor: { type: ['string', 'null'] },
    month: { type: 'string' },
    size: { type: 'number' },
    unit: { type: 'string' },
    state: { type: 'string', enum: [...alertStates] },
    message: { type: 'string' },
    revision: { type: 'integer' },
  },
} as const;

const submitAnswer = {
  type: 'object',
  properties: {
    accepted: { type: 'integer', description: 'Newly stored' },
    duplicates: { type: 'integer', description: 'Already stored with the same fields (a retry)' },
    seqs: { type: 'array', items: { type: 'integer' }, description: 'The seq of each item, in order' },
    alerts: { type: 'object', properties: { raised: { type: 'integer' }, resolved: { type: 'integer' } } },
  },
} as const;

const month = { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$' } as const;

export const ledgerRoutes: RoutePlugin<ServerDeps> = async (app, deps) => {
  const limits = { ...defaultLimits, ...deps.limits };
  const pkg = deps.operations.model.pkg;
  const ledger = () => ledgerFor(deps.store, pkg, deps.operations.clock);
  const actorRoles = actorRolesOf(pkg);
  /** A guarantor key acts for its own actor only, and must have one of the kind it acts for; an admin for anyone. */
  const actingFor = (p: Principal): string => {
    if (p.role !== 'guarantor') return '*';
    const why = notActingFor(p, p.actor, actorRoles);
    if (why)
      throw new HttpError(403, { error: 'role-not-for-actor', message: `this key may not act in the ledger: ${why}` });
    return p.actor;
  };

  for (const kind of ['pledges', 'deliveries'] as const) {
    app.post(
      `/v1/ledger/${kind}`,
      {
        config: { access: report },
        bodyLimit: limits.bodyLimit,
        // Validation is the core's (index, field and reason per item, with the package and the ledger so far).
        validatorCompiler: () => (data: unknown) => ({ value: data }),
        schema: {
          tags: ['ledger'],
          summary:
            kind === 'pledges'
              ? 'Record pledges, revisions (supersedes) and withdrawals (withdraws); all or nothing; a guarantor only for itself'
              : 'Record deliveries against recorded pledges; all or nothing; a guarantor only for itself',
          consumes: ['application/json', 'application/x-ndjson'],
          body: { type: 'array', maxItems: limits.maxBatch, items: { type: 'object' } },
          response: {
            200: submitAnswer,
            400: { $ref: 'Error#' },
            401: { $ref: 'Error#' },
            403: { $ref: 'Error#' },
            409: { $ref: 'Error#' },
            413: { $ref: 'Error#' },
          },
        },
      },
      async (request, reply) => {
        const body = request.body;
        if (!Array.isArray(body))
          return sendError(reply, 400, {
            error: 'invalid-body',
            message: `the body must be a JSON array of ${kind}, or NDJSON (one per line)`,
          });
        if (body.length > limits.maxBatch)
          return sendError(reply, 413, {
            error: 'batch-too-large',
            message: `a batch holds at most ${limits.maxBatch} records; this one has ${body.length}`,
          });
        const p = principalOf(request);
        return ledger().submit(kind, body, actingFor(p), p.keyId);
      },
    );
  }

  app.get(
    '/v1/ledger',
    {
      config: { access: read },
      schema: {
        tags: ['ledger'],
        summary: 'Ledger records in the order they were stored; from/to select by when they were stored',
        querystring: listQuerySchema({
          type: { type: 'string', enum: ['pledge', 'withdrawal', 'delivery'] },
          by: text('A guarantor'),
          requirement: text('A requirement of the package'),
          pledge: text('A pledge: itself, and the deliveries, revisions and withdrawals that refer to it'),
        }),
        response: { 200: pageSchema(recordSchema) },
      },
    },
    async (request) => {
      const q = storeFilter<LedgerFilter>(request.query as RawListQuery);
      return ledger().store.listLedger(q) as Promise<{ items: LedgerRecord[]; next?: string }>;
    },
  );

  app.get(
    '/v1/ledger/coverage',
    {
      config: { access: read },
      schema: {
        tags: ['ledger'],
        summary:
          'Coverage month by month per requirement (required, pledged, at risk, delivered, stock) and across requirements: the live month-twelve view',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            from: { ...month, description: 'First month (YYYY-MM)' },
            to: { ...month, description: 'Month after the last (YYYY-MM)' },
            requirement: text('Only this requirement'),
          },
        },
        response: { 200: { type: 'object', additionalProperties: true } },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const r = coverageReport(await ledger().view(), q.from, q.to);
      if (q.requirement !== undefined) {
        if (!pkg.sustainment.requirements[q.requirement])
          return sendError(reply, 400, {
            error: 'invalid-querystring',
            message: `no requirement ${q.requirement}`,
            problems: [{ path: 'querystring.requirement', reason: 'is not a requirement of the package' }],
          });
        r.requirements = r.requirements.filter((x) => x.id === q.requirement);
      }
      return r;
    },
  );

  app.get(
    '/v1/ledger/alerts',
    {
      config: { access: read },
      schema: {
        tags: ['ledger'],
        summary: 'Decay alerts (derived again first), by the month their shortfall starts',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            state: { type: 'string', enum: [...alertStates] },
            kind: { type: 'string', enum: [...alertKinds] },
            requirement: text('A requirement'),
            guarantor: text('A guarantor'),
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
        },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: alertSchema } } } },
      },
    },
    async (request) => {
      return { items: await ledger().alerts(request.query) };
    },
  );

  app.post(
    '/v1/ledger/alerts/acknowledge',
    {
      config: { access: can.acknowledgeAlerts },
      schema: {
        tags: ['ledger'],
        summary: 'Acknowledge an open alert (a guarantor only one that names it); logged',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['key'],
          properties: { key: { type: 'string', minLength: 1, maxLength: 600 } },
        },
        response: {
          200: { type: 'object', properties: { changed: { type: 'boolean' }, alert: alertSchema } },
          400: { $ref: 'Error#' },
          403: { $ref: 'Error#' },
          404: { $ref: 'Error#' },
        },
      },
    },
    async (request) => {
      const p = principalOf(request);
      const { key } = request.body;
      return ledger().acknowledge(key, actingFor(p), p.keyId);
    },
  );
};
