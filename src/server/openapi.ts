/**
 * The OpenAPI 3.1 document a client is generated from (served at /docs/json). Route schemas describe their own
 * success responses; this module adds what every route of a kind can answer, so that no route has to repeat it and
 * none can forget it: 401 and 403 on routes that need a key, 400 where the route reads parameters or a body, 413 and
 * 415 where it reads a body, 503 everywhere (the store unavailable, or the server closing). It also names every
 * operation (`operationId`, from its method and path unless the route names it) and keeps routes' own declarations.
 * The contract test (`contract.ts`) checks every response the server sends against this document.
 */
import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { readersText, type Access } from './access.js';
import { HttpError } from './errors.js';
import { documentOnlySchemas } from './schemas.js';
import { itemAt } from '../core/item-at.js';

/** Why each added status happens, as its response's description. */
const standard = {
  400: 'The request is invalid: a parameter, the body or a field in it (the error names which and why)',
  401: 'No API key, or one that is unknown or revoked',
  403: "The key's role or actor may not do this",
  413: 'The body is larger than the server accepts',
  415: 'The body is not in a format this route reads',
  503: 'The store is unavailable or the server is closing: nothing was stored; send the request again after Retry-After',
} as const;

type Schema = Record<string, unknown> & {
  response?: Record<string, unknown>;
  operationId?: string;
  body?: unknown;
  querystring?: unknown;
  params?: unknown;
};

/** `GET /v1/log/checkpoint/:size` → `getLogCheckpointBySize`; `POST /v1/cases/:id/votes` → `postCasesByIdVotes`. */
export function operationIdFor(method: string, url: string): string {
  const words = url
    .split('/')
    .filter((s) => s && s !== 'v1')
    .map((s) => (s.startsWith(':') ? `by-${s.slice(1)}` : s))
    .flatMap((s) => s.split(/[^A-Za-z0-9]+/))
    .filter(Boolean);
  return method.toLowerCase() + words.map((w) => itemAt(w, 0).toUpperCase() + w.slice(1)).join('');
}

/** The route's schema with the standard responses and an operationId added; what the route declares wins. */
export function documentedSchema(schema: Schema, method: string, url: string, access: Access | undefined): Schema {
  const response: Record<string, unknown> = { ...(schema.response ?? {}) };
  const add = (status: keyof typeof standard) => {
    if (!(status in response)) response[status] = { description: standard[status], $ref: 'Error#' };
  };
  if (access !== undefined && access !== 'public') {
    add(401);
    add(403);
  }
  const hasBody = schema.body !== undefined || ['POST', 'PUT', 'PATCH'].includes(method);
  if (schema.querystring !== undefined || schema.params !== undefined || hasBody || url.includes(':')) add(400);
  if (hasBody) {
    add(413);
    add(415);
  }
  add(503);
  return { ...schema, operationId: schema.operationId ?? operationIdFor(method, url), response };
}

export function openapiOptions(version: string): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Guarantor API',
        version,
        description:
          'Observations in; incidents, violations and breach cases out. Send `Authorization: Bearer <API key>`; each operation lists the roles it admits. Errors are `{error, message, problems?}` with a stable code (docs/api.md).',
        license: { name: 'MIT', identifier: 'MIT' },
      },
      // Relative: the document describes whichever server serves it.
      servers: [{ url: '/', description: 'the server that serves this document' }],
      components: {
        schemas: documentOnlySchemas(),
        securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: gk_<id>_<secret>' } },
      },
      security: [{ apiKey: [] }],
    },
    // Shared schemas keep their names (`Error`, `Incident`, …) in components.schemas, for clients and readers.
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json['$id'] === 'string' ? json['$id'] : `def-${i}`,
    },
    transform: ({ schema, url, route }) => {
      const access = route.config?.access as Access | undefined;
      if (!schema || access === undefined) return { schema, url };
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      const who = access === 'public' ? 'Public: no key needed.' : `Roles: ${readersText(access)}.`;
      const documented = documentedSchema(schema as Schema, String(methods[0]), route.url, access);
      const out = {
        ...documented,
        description: [who, (schema as { description?: string }).description].filter(Boolean).join(' '),
      } as typeof schema & { security?: unknown[] };
      if (access === 'public') out.security = [];
      return { schema: out, url };
    },
  };
}

/**
 * For routes that send bytes they prepared (an asset with its ETag, a rendered report): Fastify would compile a
 * serializer for their (large) response schemas at every start and never call it; this one costs nothing. The
 * contract test checks those bytes against the schema all the same.
 */
export const preparedBody = { serializerCompiler: () => (data: unknown) => JSON.stringify(data) } as const;

/** A text body of one media type: a signed note, a public key, Markdown. */
export const textBody = (mediaType: string, description: string) =>
  ({ description, content: { [mediaType]: { schema: { type: 'string' } } } }) as const;

/** For routes that honour If-None-Match. */
export const notModified = { description: 'Not modified: the ETag in If-None-Match is current', type: 'null' } as const;

/**
 * API routes that read no query parameter refuse any (400 naming it), as routes with parameters refuse unknown ones:
 * a typo is an error, never silently ignored. The dashboard's files (hidden from the document) take any.
 */
export function installStrictQueries(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const schema = route.schema as (Schema & { hide?: boolean }) | undefined;
    if (!schema || schema.hide || schema.querystring !== undefined) return;
    route.schema = { ...schema, querystring: { type: 'object', additionalProperties: false, properties: {} } };
  });
}

/**
 * A number in the query string or path must be finite. Ajv coerces `1e400` to Infinity, which passes `integer` and
 * `maximum` alike (Infinity % 1 is NaN, and Ajv's checks let NaN through): refused here, after validation, naming
 * the parameter, before a handler hands it to a store.
 */
export function installFiniteParameters(app: FastifyInstance): void {
  app.addHook('preHandler', async (request) => {
    for (const [where, values] of [
      ['querystring', request.query],
      ['params', request.params],
    ] as const) {
      if (values === null || typeof values !== 'object') continue;
      for (const [name, v] of Object.entries(values as Record<string, unknown>)) {
        const bad = Array.isArray(v) ? v.some(notFinite) : notFinite(v);
        if (bad)
          throw new HttpError(400, {
            error: `invalid-${where}`,
            message: `the ${where} is invalid: ${where}.${name} is not a finite number`,
            problems: [{ path: `${where}.${name}`, reason: 'is not a finite number' }],
          });
      }
    }
  });
}

const notFinite = (v: unknown) => typeof v === 'number' && !Number.isFinite(v);
