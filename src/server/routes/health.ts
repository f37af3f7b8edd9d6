/** Liveness and the public status: what anyone may read without a key. */
import type { FastifyPluginAsync } from 'fastify';
import type { ServerDeps } from '../deps.js';

export const healthRoutes: FastifyPluginAsync<ServerDeps> = async (app, deps) => {
  app.get('/healthz', { config: { access: 'public' }, schema: { tags: ['public'], summary: 'Liveness', response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } } } } }, async () => ({
    ok: true,
  }));

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
            properties: {
              package: { type: 'string' },
              title: { type: 'string' },
              version: { type: 'string' },
              time: { type: 'string', format: 'date-time' },
              store: { type: 'string' },
              observations: { type: 'integer' },
              incidents: { type: 'integer' },
              violations: { type: 'integer' },
              cases: { type: 'integer' },
            },
          },
        },
      },
    },
    async () => {
      const s = await deps.store.status();
      const pkg = deps.operations.model.pkg;
      return {
        package: pkg.package,
        title: pkg.title,
        version: String(pkg.version ?? ''),
        time: new Date(deps.operations.clock.now()).toISOString(),
        store: s.dialect,
        observations: s.observations,
        incidents: s.incidents,
        violations: s.violations,
        cases: s.cases,
      };
    },
  );
};
