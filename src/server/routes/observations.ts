/**
 * `POST /v1/observations`: a batch in (JSON array or NDJSON), all or nothing, acknowledged after commit.
 * `GET /v1/observations[/:id]`: the raw reports, for analysts.
 */
import { observationJsonSchema, parseObservationBatch } from '../../core/ops/index.js';
import type { ObservationFilter } from '../../core/ports/store.js';
import { can, principalOf } from '../access.js';
import { defaultLimits, type ServerDeps } from '../deps.js';
import type { RoutePlugin } from '../type-provider.js';
import { HttpError, sendError, type Problem } from '../errors.js';
import { exportFormatOf, sendExport } from '../exports.js';
import { listQuerySchema, exportablePageSchema, storeFilter, text, type RawListQuery } from '../list-query.js';
import { someOf } from '../words.js';

/** Problems listed in one answer; the rest are counted. Bounds the size of the reply to a hostile batch. */
const maxProblems = 1000;

export const storedObservationSchema = { $ref: 'Observation#' } as const;

export const observationRoutes: RoutePlugin<ServerDeps> = async (app, deps) => {
  const limits = { ...defaultLimits, ...deps.limits };
  const { store, operations } = deps;
  const item = withPackageValues(
    observationJsonSchema(),
    [...operations.rules.sources.keys()],
    [...operations.rules.actors],
  );

  app.post(
    '/v1/observations',
    {
      config: { access: can.submit },
      bodyLimit: limits.bodyLimit,
      // The schema documents the body; validation is the core's (index, path and reason per item, and the checks
      // that need the package), so Fastify's validator is bypassed for this route.
      validatorCompiler: () => (data: unknown) => ({ value: data }),
      schema: {
        tags: ['observations'],
        summary:
          'Submit a batch of observations (JSON array or NDJSON); all or nothing; idempotent on (source, sourceId)',
        consumes: ['application/json', 'application/x-ndjson'],
        body: { type: 'array', maxItems: limits.maxBatch, items: item },
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            required: ['accepted', 'duplicates', 'ids', 'incidentRevisions', 'violations', 'cases'],
            properties: {
              accepted: { type: 'integer', description: 'Newly stored' },
              duplicates: {
                type: 'integer',
                description: 'Already stored (same source and sourceId): not processed again',
              },
              ids: { type: 'array', items: { type: 'integer' }, description: 'The id of each item, in order' },
              incidentRevisions: { type: 'integer' },
              violations: { type: 'integer' },
              cases: { type: 'integer', description: 'Cases opened' },
              caseRevisions: {
                type: 'integer',
                description:
                  'Open cases revised: late or changed violations changed their evidence, window or breach time',
              },
              late: {
                type: 'integer',
                description:
                  'New items beyond the late-arrival window (their interval ended longer ago than the server allows): stored and logged as context, not fused, so they change no incident, violation or case',
              },
              context: {
                type: 'integer',
                description:
                  "Items of the batch from before the package's effective time: stored as context, never violations (absent when none)",
              },
              notes: {
                type: 'array',
                items: { type: 'string' },
                description: 'What the sender should know about the batch (absent when nothing)',
              },
            },
          },
          400: { $ref: 'Error#' },
          401: { $ref: 'Error#' },
          403: { $ref: 'Error#' },
          413: { $ref: 'Error#' },
          503: {
            $ref: 'Error#',
            description:
              'Not stored through no fault of the batch (a write before it failed, or the store restarted its writer): send it again after Retry-After',
          },
        },
      },
    },
    async (request, reply) => {
      const body: unknown = request.body;
      const principal = principalOf(request);
      if (!Array.isArray(body)) {
        return sendError(reply, 400, {
          error: 'invalid-body',
          message: 'the body must be a JSON array of observations, or NDJSON (one per line)',
        });
      }
      if (body.length > limits.maxBatch) {
        return sendError(reply, 413, {
          error: 'batch-too-large',
          message: `a batch holds at most ${limits.maxBatch} observations; this one has ${body.length}`,
        });
      }
      if (principal.actor !== '*') checkOperator(body, principal.actor, operations.model.operators);
      const now = operations.clock.now();
      const parsed = parseObservationBatch(body, operations.rules, now);
      if (!parsed.ok) {
        const problems: Problem[] = parsed.errors.slice(0, maxProblems);
        const items = new Set(parsed.errors.map((e) => e.index)).size;
        const answer = {
          error: 'invalid-observations' as const,
          message: `${someOf(items, body.length, 'observation')} invalid; nothing was stored`,
          problems,
        };
        return sendError(
          reply,
          400,
          parsed.errors.length > maxProblems ? { ...answer, problemCount: parsed.errors.length } : answer,
        );
      }
      // When another server owns the ingest, the batch was relayed to it before this handler (ingest-forward.ts).
      const result = await store.ingest(
        parsed.observations,
        { receivedAt: now, submittedBy: principal.keyId },
        operations.process,
      );
      // Reports from before the package binds are kept (they are the record of what came before) but are no
      // violations (violation.ts: an incident before a prohibition binds is none); the sender is told so.
      const effective = operations.model.effective;
      let context = 0;
      for (const o of parsed.observations) if (o.time < effective) context++;
      const notes: string[] = [];
      if (context)
        notes.push(
          `${someOf(context, parsed.observations.length, 'observation')} from before the package's effective time ${new Date(effective).toISOString()}: stored as context; they are not violations`,
        );
      if (result.late)
        notes.push(
          `${someOf(result.late, parsed.observations.length, 'observation')} ended more than ${lateness(operations.model.maxLateness)} ago: beyond the late-arrival window, stored and logged as context but not fused; they change no incident, violation or case`,
        );
      if (!notes.length) return result;
      return context ? { ...result, context, notes } : { ...result, notes };
    },
  );

  app.get(
    '/v1/observations',
    {
      config: { access: can.readRaw },
      schema: {
        tags: ['observations'],
        summary: 'Observations, oldest first',
        querystring: listQuerySchema({
          source: text('A verification source id'),
          activity: text('An activity'),
          region: text('A region code (region-level reports)'),
        }),
        response: { 200: exportablePageSchema(storedObservationSchema) },
      },
    },
    async (request, reply) => {
      // `Accept: text/csv` or `application/geo+json`: every matching record, streamed (docs/operations/report.md).
      const format = exportFormatOf(request.headers.accept);
      if (format) return sendExport(reply, store, 'observations', format, request.query as RawListQuery);
      return store.listObservations(storeFilter<ObservationFilter>(request.query as RawListQuery));
    },
  );

  app.get(
    '/v1/observations/:id',
    {
      config: { access: can.readRaw },
      schema: {
        tags: ['observations'],
        summary: 'One observation by id',
        params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] },
        response: { 200: storedObservationSchema, 404: { $ref: 'Error#' } },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const o = await store.getObservation(id);
      return o ?? sendError(reply, 404, { error: 'not-found', message: `no observation ${id}` });
    },
  );
};

/**
 * The input schema with the package's source ids and actor ids as enums: a client generated from the served document
 * knows which `source` and `attribution.party` this server takes (the handler refuses any other, naming the field).
 */
function withPackageValues(schema: Record<string, unknown>, sources: string[], actors: string[]) {
  const { $schema: _, ...item } = schema;
  const props = item['properties'] as Record<string, Record<string, unknown>>;
  const attribution = props['attribution'] as { properties: Record<string, Record<string, unknown>> };
  return {
    ...item,
    properties: {
      ...props,
      source: { ...props['source'], ...listed(sources) },
      attribution: {
        ...attribution,
        properties: { ...attribution.properties, party: { ...attribution.properties['party'], ...listed(actors) } },
      },
    },
  };
}

/** An enum of none would be a schema nothing matches: a package without sources takes none, and says so in words. */
const listed = (values: string[]) => (values.length ? { enum: values } : {});

/** A key bound to an actor submits only for the sources that actor operates. */
function checkOperator(items: readonly unknown[], actor: string, operators: ReadonlyMap<string, string>): void {
  const problems: Problem[] = [];
  for (let i = 0; i < items.length && problems.length < maxProblems; i++) {
    const source = (items[i] as { source?: unknown } | null)?.source;
    if (typeof source !== 'string') continue;
    const operator = operators.get(source);
    if (operator !== undefined && operator !== actor)
      problems.push({
        index: i,
        path: 'source',
        reason: `source "${source}" is operated by ${operator}; this key acts for ${actor}`,
      });
  }
  if (problems.length)
    throw new HttpError(403, {
      error: 'forbidden-source',
      message: `this key may submit only for sources ${actor} operates; nothing was stored`,
      problems,
    });
}

/** The late-arrival window in words: days, else hours. */
function lateness(ms: number): string {
  const hours = ms / 3_600_000;
  return hours >= 48 && hours % 24 === 0 ? `${hours / 24} days` : `${hours} hours`;
}
