/**
 * The API contract, checked on every response: the status must be one the OpenAPI document declares for the route,
 * the content type one it declares for that status, and a JSON body must validate against the declared schema. A
 * generated client relies on exactly this (a status it does not know, or `text/plain` where it expects JSON, breaks
 * it). Installed by the test suite for every app it builds (test/support/contract-setup.ts); never in production.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
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

/** Fastify's `/v1/cases/:id` as OpenAPI's `/v1/cases/{id}`. */
const templateOf = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
const pointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

export function installContractCheck(app: FastifyInstance, report: (p: ContractProblem) => void): void {
  let doc: OpenApi | undefined;
  let ajv: InstanceType<typeof Ajv2020> | undefined;
  const validators = new Map<string, ((x: unknown) => boolean) & { errors?: unknown }>();
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
    if (contentType !== 'application/json' || media.schema === undefined || typeof payload !== 'string') return payload; // streams and text
    if (!ajv) {
      ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
      addFormats.default(ajv);
      ajv.addSchema(doc as object, 'openapi.json');
    }
    const key = `${path} ${method} ${status}`;
    let validate = validators.get(key);
    if (!validate) {
      const compiled = ajv.getSchema(
        `openapi.json#/paths/${pointer(path)}/${method}/responses/${status}/content/${pointer(contentType)}/schema`,
      ) as typeof validate;
      if (!compiled) return (problem('the declared schema cannot be compiled'), payload);
      validators.set(key, compiled);
      validate = compiled;
    }
    let body: unknown;
    try {
      body = JSON.parse(payload);
    } catch {
      return (problem('the body is not JSON'), payload);
    }
    if (!validate(body))
      problem(`the body does not match the declared schema: ${JSON.stringify(validate.errors).slice(0, 600)}`);
    return payload;
  });
}
