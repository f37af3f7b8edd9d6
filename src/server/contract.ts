/**
 * The API contract, checked on every response: the status must be one the OpenAPI document declares for the route,
 * the content type one it declares for that status, and a JSON body must validate against the declared schema. A
 * generated client relies on exactly this (a status it does not know, or `text/plain` where it expects JSON, breaks
 * it). Installed by the test suite for every app it builds (test/support/contract-setup.ts); never in production.
 *
 * A handler's object is also checked before Fastify serializes it: the serializer drops a field the schema does not
 * name (`additionalProperties: false`) without a word, so a schema that forgot a field the server sends would pass
 * the check on the bytes. Checked on the object, the forgotten field fails the test.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { itemAt } from '../core/item-at.js';

export interface ContractProblem {
  method: string;
  path: string;
  status: number;
  contentType: string;
  reason: string;
}

type Responses = Record<string, { content?: Record<string, { schema?: unknown }> }>;
type OpenApi = { paths?: Record<string, Record<string, { responses?: Responses }>> };

/** A body's text, uncompressed as its Content-Encoding says. */
function decoded(payload: Buffer, reply: FastifyReply): string {
  const encoding = String(reply.getHeader('content-encoding') ?? '');
  const bytes =
    encoding === 'br'
      ? brotliDecompressSync(payload)
      : encoding === 'gzip'
        ? gunzipSync(payload)
        : encoding === 'deflate'
          ? inflateSync(payload)
          : payload;
  return bytes.toString('utf8');
}

/** Fastify's `/v1/cases/:id` as OpenAPI's `/v1/cases/{id}`. */
const templateOf = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
const pointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

export function installContractCheck(app: FastifyInstance, report: (p: ContractProblem) => void): void {
  let doc: OpenApi | undefined;
  let ajv: InstanceType<typeof Ajv2020> | undefined;
  const validators = new Map<string, ((x: unknown) => boolean) & { errors?: unknown }>();
  const validatorOf = (path: string, method: string, status: number, contentType: string) => {
    if (!ajv) {
      ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
      addFormats.default(ajv);
      ajv.addSchema(doc as object, 'openapi.json');
    }
    const key = `${path} ${method} ${status} ${contentType}`;
    let validate = validators.get(key);
    if (!validate) {
      validate = ajv.getSchema(
        `openapi.json#/paths/${pointer(path)}/${method}/responses/${status}/content/${pointer(contentType)}/schema`,
      ) as typeof validate;
      if (validate) validators.set(key, validate);
    }
    return validate;
  };
  app.addHook('preSerialization', async (request, reply, payload) => {
    const route = request.routeOptions.url;
    if (route === undefined || request.routeOptions.schema?.hide || route.startsWith('/docs')) return payload;
    if (payload === null || typeof payload !== 'object' || Buffer.isBuffer(payload)) return payload;
    doc ??= app.swagger() as OpenApi;
    const path = templateOf(route);
    const method = request.method.toLowerCase();
    const status = reply.statusCode;
    const media = doc.paths?.[path]?.[method]?.responses?.[String(status)]?.content?.['application/json'];
    if (!media?.schema) return payload; // the check on the bytes reports it
    const validate = validatorOf(path, method, status, 'application/json');
    // As the serializer sees it: dates as strings, undefined fields gone.
    if (validate && !validate(JSON.parse(JSON.stringify(payload))))
      report({
        method: request.method,
        path,
        status,
        contentType: 'application/json',
        reason: `the handler's answer does not match the declared schema (a field it does not name would be dropped): ${JSON.stringify(validate.errors).slice(0, 600)}`,
      });
    return payload;
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const route = request.routeOptions.url;
    if (route === undefined || request.routeOptions.schema?.hide || route.startsWith('/docs')) return payload;
    doc ??= app.swagger() as OpenApi;
    const path = templateOf(route);
    const method = request.method.toLowerCase();
    const operation = doc.paths?.[path]?.[method];
    if (!operation) return payload; // not part of the API (the dashboard's files)
    const status = reply.statusCode;
    const contentType = itemAt(String(reply.getHeader('content-type') ?? '').split(';'), 0).trim();
    const problem = (reason: string) => report({ method: request.method, path, status, contentType, reason });
    const declared =
      operation.responses?.[String(status)] ??
      operation.responses?.[`${String(status)[0]}XX`] ??
      operation.responses?.['default'];
    if (!declared)
      return (
        problem(`status ${status} is not declared (declared: ${Object.keys(operation.responses ?? {}).join(', ')})`),
        payload
      );
    if (status === 204 || status === 304 || payload === null || payload === undefined || payload === '') return payload;
    const content = declared.content ?? {};
    const media = content[contentType];
    if (!media)
      return (
        problem(
          `content type "${contentType}" is not declared for ${status} (declared: ${Object.keys(content).join(', ') || 'none'})`,
        ),
        payload
      );
    // Strings and buffers (a prepared asset, compressed or not; a rendered report) are checked alike; streams are not.
    const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? decoded(payload, reply) : undefined;
    if (contentType !== 'application/json' || media.schema === undefined || text === undefined) return payload;
    const validate = validatorOf(path, method, status, contentType);
    if (!validate) return (problem('the declared schema cannot be compiled'), payload);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return (problem('the body is not JSON'), payload);
    }
    if (!validate(body))
      problem(`the body does not match the declared schema: ${JSON.stringify(validate.errors).slice(0, 600)}`);
    return payload;
  });
}
