/**
 * Error bodies: every 4xx and 5xx answer is `{ error, message, problems? }`, where `error` is a stable code a client
 * can switch on, `message` is for people, and `problems` lists each bad item or field (index, path, reason).
 * Fastify's own errors (body too large, bad JSON, schema validation of query strings) are translated here.
 */
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { StoreQueryError, StoreUnavailableError } from '../core/ports/store.js';
import { errorCodes, type ErrorCode, type StatusOf } from './error-codes.js';

export interface Problem {
  /** Index of the item in the batch, for batch endpoints. */
  index?: number;
  /** Field path inside the item or request, e.g. `location.lat` or `query.limit`. */
  path: string;
  reason: string;
}

export interface ErrorBody<C extends ErrorCode = ErrorCode> {
  /** A code from the catalogue (error-codes.ts). */
  error: C;
  message: string;
  problems?: Problem[];
  /** When `problems` was cut short. */
  problemCount?: number;
}

export const errorSchema = {
  $id: 'Error',
  type: 'object',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string', enum: errorCodes, description: 'A stable code from the catalogue (docs/api.md, Errors)' },
    message: { type: 'string' },
    problems: {
      type: 'array',
      items: {
        type: 'object',
        required: ['path', 'reason'],
        properties: { index: { type: 'integer' }, path: { type: 'string' }, reason: { type: 'string' } },
      },
    },
    problemCount: { type: 'integer' },
  },
} as const;

/** An error answer thrown from a handler or hook; the status must be the one the catalogue gives its code. */
export class HttpError<C extends ErrorCode = ErrorCode> extends Error {
  constructor(
    readonly statusCode: StatusOf<C>,
    readonly body: ErrorBody<C>,
  ) {
    super(body.message);
  }
}

export function unsupportedMediaType(contentType: string | undefined): HttpError<'unsupported-media-type'> {
  return new HttpError(415, {
    error: 'unsupported-media-type',
    message: `content type ${JSON.stringify(contentType ?? '')} is not accepted; use application/json or application/x-ndjson`,
  });
}

/** Sends an error answer; the status must be the one the catalogue gives its code (the compiler checks it). */
export function sendError<C extends ErrorCode>(
  reply: FastifyReply,
  status: StatusOf<C>,
  body: ErrorBody<C>,
): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof HttpError) return sendError(reply, err.statusCode, err.body);
    if (err instanceof StoreUnavailableError)
      return sendError(reply.header('retry-after', '1'), 503, { error: 'unavailable', message: err.message });
    if (err instanceof StoreQueryError)
      return sendError(reply, 400, {
        error: 'invalid-query',
        message: err.message,
        problems: [{ path: `query.${err.field}`, reason: err.reason }],
      });
    if (err.validation) {
      const where = err.validationContext ?? 'body';
      const problems = err.validation.map((v) => {
        const params = v.params as { missingProperty?: string; additionalProperty?: string } | undefined;
        let field = (v.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
        let reason = v.message ?? 'is invalid';
        if (params?.additionalProperty !== undefined) {
          field = [field, params.additionalProperty].filter(Boolean).join('.');
          reason = 'is not a known parameter';
        } else if (params?.missingProperty !== undefined) {
          field = [field, params.missingProperty].filter(Boolean).join('.');
          reason = 'is required';
        }
        return { path: field ? `${where}.${field}` : where, reason };
      });
      return sendError(reply, 400, {
        error: `invalid-${where}` as const,
        message: `the ${where} is invalid: ${problems.map((p) => `${p.path} ${p.reason}`).join('; ')}`,
        problems,
      });
    }
    switch (err.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendError(reply, 413, {
          error: 'body-too-large',
          message: `the body is larger than this server accepts (${request.routeOptions.bodyLimit ?? app.initialConfig.bodyLimit} bytes); send smaller batches`,
        });
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': {
        const e = unsupportedMediaType(request.headers['content-type']);
        return sendError(reply, e.statusCode, e.body);
      }
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return sendError(reply, 400, { error: 'invalid-body', message: 'the body is empty; send a JSON array' });
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return sendError(reply, 400, { error: 'invalid-body', message: `the body is not valid JSON: ${err.message}` });
    }
    // Fastify's other errors about the request (a bad content-type header, say) all come as 400.
    if (err instanceof SyntaxError || (err.statusCode && err.statusCode >= 400 && err.statusCode < 500)) {
      return sendError(reply, 400, { error: 'invalid-body', message: err.message });
    }
    request.log.error({ err }, 'request failed');
    return sendError(reply, 500, {
      error: 'internal',
      message: 'the server failed to handle this request; it has been logged',
    });
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 404, { error: 'not-found', message: `no route ${request.method} ${request.url.split('?')[0]}` }),
  );
}
