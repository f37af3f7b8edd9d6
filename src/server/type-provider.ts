/**
 * The JSON-schema type provider for the routes: a route's `params`, `querystring`, `body` and `headers` schemas
 * (written `as const`) type its handler's `request`, through json-schema-to-ts, so handlers never cast what Fastify
 * has already validated. Replies are not typed from the `response` schemas: what a handler returns is typed by the
 * core's own types, and the contract test checks every answer against its schema (src/server/contract.ts).
 */
import type { FastifyPluginAsync, FastifyTypeProvider, RawServerDefault } from 'fastify';
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';

export interface SchemaTypes extends FastifyTypeProvider {
  validator: this['schema'] extends JSONSchema ? FromSchema<this['schema']> : unknown;
  serializer: unknown;
}

/** A route plugin whose handlers are typed by their schemas. */
export type RoutePlugin<Options extends object> = FastifyPluginAsync<Options, RawServerDefault, SchemaTypes>;
