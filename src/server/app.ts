/**
 * `buildApp(deps)`: the HTTP API over a store and the operations pipeline. It never listens (`src/main.ts` does),
 * so tests drive it with `inject()` and no sockets. OpenAPI is generated from the route schemas and served, with
 * Swagger UI from the installed package (no CDN), at `/docs`.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { toolVersion } from '../version.js';
import { actorRolesOf, installAccess, type RouteAccess } from './access.js';
import { installContractCheck } from './contract.js';
import { defaultLimits, type ServerDeps } from './deps.js';
import { errorSchema, installErrorHandler } from './errors.js';
import { installJsonBody } from './json-body.js';
import { installRelay } from './ingest-forward.js';
import { installNdjson } from './ndjson.js';
import { installFiniteParameters, installStrictQueries, openapiOptions } from './openapi.js';
import { routePlugins } from './routes/index.js';
import { sharedSchemas } from './schemas.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route and who may call it, for the access test and the docs. */
    routeAccess: RouteAccess[];
  }
}

export async function buildApp(deps: ServerDeps): Promise<FastifyInstance> {
  const limits = { ...defaultLimits, ...deps.limits };
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: limits.bodyLimit,
    // Query strings: coerce numbers, apply defaults, and refuse unknown parameters rather than ignore a typo.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true } },
    return503OnClosing: true,
    // A client that trickles a body (or never finishes one) does not hold a connection forever.
    requestTimeout: 120_000,
  });
  installErrorHandler(app);
  if (deps.contract) installContractCheck(app, deps.contract);
  installJsonBody(app);
  installRelay(app, deps.ingestRouting, limits.bodyLimit);
  installNdjson(app);
  app.addSchema(errorSchema);
  for (const schema of sharedSchemas) app.addSchema(schema);
  installStrictQueries(app);
  installFiniteParameters(app);
  const table = installAccess(app, deps.store, ['/docs'], actorRolesOf(deps.operations.model.pkg));
  app.decorate('routeAccess', table);

  await app.register(swagger, openapiOptions(toolVersion));
  await app.register(swaggerUi, { routePrefix: '/docs' });
  for (const plugin of routePlugins) await app.register(plugin, deps);
  return app;
}
