/** Liveness and the public status: what anyone may read without a key. */
import type { ServerDeps } from '../deps.js';
import type { RoutePlugin } from '../type-provider.js';

export const healthRoutes: RoutePlugin<ServerDeps> = async (app, deps) => {
  // Load balancers and orchestrators read the status code: 503 while the store does not answer.
  app.get(
    '/healthz',
    {
      config: { access: 'public' },
      schema: {
        tags: ['public'],
        summary: 'Liveness and the store: 200 when the store answers, 503 (with the reason) when it does not',
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            required: ['ok', 'store'],
            properties: { ok: { const: true }, store: { const: 'ok' } },
          },
          503: {
            type: 'object',
            additionalProperties: false,
            required: ['ok', 'store', 'reason'],
            properties: { ok: { type: 'boolean' }, store: { type: 'string' }, reason: { type: 'string' } },
          },
        },
      },
    },
    async (_request, reply) => {
      const h = await deps.store.health();
      if (h.ok) return { ok: true, store: 'ok' };
      return reply
        .code(503)
        .header('retry-after', '1')
        .send({ ok: false, store: 'unavailable', reason: h.reason ?? 'the store did not answer' });
    },
  );

  app.get(
    '/v1/status',
    {
      config: { access: 'public' },
      schema: {
        tags: ['public'],
        summary: 'The package in force and how many records the server holds',
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            required: [
              'package',
              'title',
              'version',
              'time',
              'store',
              'observations',
              'incidents',
              'violations',
              'cases',
              'triggers',
            ],
            properties: {
              package: { type: 'string' },
              title: { type: 'string' },
              version: { type: 'string' },
              time: { type: 'string', format: 'date-time' },
              store: { type: 'string', enum: ['sqlite', 'postgres'] },
              observations: { type: 'integer' },
              incidents: { type: 'integer' },
              violations: { type: 'integer' },
              cases: { type: 'integer' },
              triggers: {
                type: 'array',
                description:
                  'Each trigger, and whether it applies yet: a dormant one (`wakes`) counts nothing until it wakes',
                items: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['id', 'state'],
                  properties: {
                    id: { type: 'string' },
                    state: { type: 'string', enum: ['active', 'dormant'] },
                    wakes: { type: 'string', description: 'What wakes a dormant trigger, in words' },
                    wakesAt: {
                      type: ['string', 'null'],
                      format: 'date-time',
                      description: 'When it wakes (or woke); null when it never will',
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
    async () => {
      const s = await deps.store.status();
      const pkg = deps.operations.model.pkg;
      const now = deps.operations.clock.now();
      return {
        package: pkg.package,
        title: pkg.title,
        version: String(pkg.version ?? ''),
        time: new Date(now).toISOString(),
        store: s.dialect,
        observations: s.observations,
        incidents: s.incidents,
        violations: s.violations,
        cases: s.cases,
        triggers: deps.operations.model.triggers.map((t) => ({
          id: t.id,
          state: now >= t.activeFrom ? ('active' as const) : ('dormant' as const),
          ...(t.wakes === undefined
            ? {}
            : { wakes: t.wakes, wakesAt: Number.isFinite(t.activeFrom) ? new Date(t.activeFrom).toISOString() : null }),
        })),
      };
    },
  );
};
