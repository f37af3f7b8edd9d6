/**
 * The sustainment ledger (docs/operations/ledger.md): pledges and deliveries in (all or nothing, a guarantor only
 * for itself, an admin for anyone), the records out with filters and cursor pages, coverage month by month (the
 * live month-twelve view), and decay alerts with their acknowledgement.
 */
import type { RoutePlugin } from '../type-provider.js';
import { alertKinds, alertStates } from '../../core/ledger/alerts.js';
import { legalForms, periods } from '../../core/spec/vocabulary.js';
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
// Readers of cases, the mission's monitor key among them (src/server/access.ts).
const read = can.readCases;

const str = { type: 'string' } as const;
const num = { type: 'number' } as const;
const recorded = {
  seq: { type: 'integer', description: 'Assigned by the store in commit order' },
  recordedAt: { type: 'integer', description: 'When it was stored, epoch ms' },
  submittedBy: { type: 'string', description: 'The API key id that submitted it' },
} as const;
const closed = <R extends readonly string[], P extends Record<string, unknown>>(
  description: string,
  required: R,
  properties: P,
) =>
  ({
    type: 'object',
    description,
    additionalProperties: false,
    required: [...required, 'seq', 'recordedAt', 'submittedBy'],
    properties: { ...properties, ...recorded },
  }) as const;

/** A ledger record as stored (core/ledger/record.ts): a pledge, a withdrawal or a delivery, told apart by `type`. */
const recordSchema = {
  oneOf: [
    closed('A pledge (or a revision of one: supersedes)', ['type', 'id', 'by', 'requirement', 'per', 'from', 'form'], {
      type: { const: 'pledge' },
      id: str,
      by: str,
      requirement: str,
      amount: num,
      currency: str,
      quantity: num,
      per: { type: 'string', enum: [...periods] },
      from: { type: 'string', description: 'A month or day (2026-06, 2026-06-15)' },
      until: str,
      form: { type: 'string', enum: [...legalForms] },
      leadTime: str,
      source: str,
      supersedes: str,
    }),
    closed('A withdrawal of a pledge from a month on', ['type', 'id', 'by', 'withdraws', 'requirement', 'from'], {
      type: { const: 'withdrawal' },
      id: str,
      by: str,
      withdraws: str,
      requirement: str,
      from: str,
      source: str,
    }),
    closed('A delivery against a pledge', ['type', 'id', 'by', 'pledge', 'requirement', 'delivered'], {
      type: { const: 'delivery' },
      id: str,
      by: str,
      pledge: str,
      requirement: str,
      amount: num,
      currency: str,
      quantity: num,
      delivered: { type: 'string', description: 'A day or an instant (ISO 8601)' },
      evidence: { type: 'array', items: str },
      source: str,
      note: str,
    }),
  ],
} as const;

const alertSchema = {
  type: 'object',
  description: 'A decay alert: what it is about, the month the shortfall starts, its size and its state',
  additionalProperties: false,
  required: [
    'key',
    'kind',
    'requirement',
    'guarantor',
    'month',
    'size',
    'unit',
    'message',
    'state',
    'raisedAt',
    'raisedMonth',
    'revision',
  ],
  properties: {
    key: { type: 'string', description: 'kind/subject/month: unique, stable while the condition holds' },
    kind: { type: 'string', enum: [...alertKinds] },
    requirement: str,
    guarantor: { type: ['string', 'null'], description: 'null when no one guarantor is concerned' },
    pledge: str,
    month: { type: 'string', description: 'YYYY-MM: the month the shortfall starts' },
    size: num,
    unit: str,
    message: str,
    state: { type: 'string', enum: [...alertStates] },
    raisedAt: { type: 'integer' },
    raisedMonth: str,
    acknowledgedAt: { type: 'integer' },
    acknowledgedBy: str,
    resolvedAt: { type: 'integer' },
    resolvedMonth: str,
    revision: { type: 'integer', description: 'Incremented at every change' },
  },
} as const;

const submitAnswer = {
  type: 'object',
  additionalProperties: false,
  required: ['accepted', 'duplicates', 'seqs', 'alerts'],
  properties: {
    accepted: { type: 'integer', description: 'Newly stored' },
    duplicates: { type: 'integer', description: 'Already stored with the same fields (a retry)' },
    seqs: { type: 'array', items: { type: 'integer' }, description: 'The seq of each item, in order' },
    alerts: {
      type: 'object',
      additionalProperties: false,
      required: ['raised', 'resolved'],
      properties: { raised: { type: 'integer' }, resolved: { type: 'integer' } },
    },
  },
} as const;

const coverageMonth = {
  type: 'object',
  additionalProperties: false,
  required: ['month', 'required', 'pledged', 'firm', 'atRisk', 'delivered', 'stock', 'stockLeft', 'coverage'],
  properties: {
    month: str,
    required: num,
    pledged: { type: 'number', description: 'firm + atRisk: what pledges promise for the month' },
    firm: num,
    atRisk: num,
    delivered: num,
    stock: num,
    stockLeft: num,
    coverage: num,
  },
} as const;

const coverageSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['currency', 'asOf', 'requirements', 'aggregate'],
  properties: {
    currency: str,
    asOf: { type: 'string', description: 'The month of the live view (YYYY-MM)' },
    requirements: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'unit', 'perMonth', 'meanCoverage', 'shares', 'months'],
        properties: {
          id: str,
          unit: str,
          perMonth: num,
          meanCoverage: num,
          shares: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['by', 'share'],
              properties: { by: str, share: num },
            },
          },
          runsOut: str,
          orderBy: str,
          months: { type: 'array', items: coverageMonth },
        },
      },
    },
    aggregate: {
      type: 'array',
      description: 'Coverage across requirements, month by month',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['month', 'coverage', 'short'],
        properties: {
          month: str,
          coverage: num,
          short: { type: 'integer', description: 'Requirements below full coverage that month' },
        },
      },
    },
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
        response: { 200: coverageSchema },
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
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            required: ['items'],
            properties: { items: { type: 'array', items: alertSchema } },
          },
        },
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
          200: {
            type: 'object',
            additionalProperties: false,
            required: ['changed', 'alert'],
            properties: { changed: { type: 'boolean' }, alert: alertSchema },
          },
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
