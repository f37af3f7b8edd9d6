/**
 * The query string shared by list endpoints: a time range, a page size and a cursor, plus each resource's own
 * filters. Times are ISO 8601; the store works in epoch ms.
 */
import { HttpError } from './errors.js';

export const pagingProperties = {
  from: { type: 'string', format: 'date-time', description: 'Only records at or after this time (ISO 8601)' },
  to: { type: 'string', format: 'date-time', description: 'Only records before this time (ISO 8601)' },
  limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100, description: 'Page size' },
  cursor: { type: 'string', maxLength: 100, description: 'The `next` of the previous page, unchanged' },
} as const;

/** Newest first, for a map or a list that shows the latest (the export streams in the same order). */
export const orderProperty = {
  type: 'string',
  enum: ['oldest', 'newest'],
  default: 'oldest',
  description: 'By detection: oldest first (default), or newest first',
} as const;

/** A filter on a closed or free-text field. */
export const text = (description: string) => ({ type: 'string', minLength: 1, maxLength: 200, description }) as const;

export function listQuerySchema(filters: Record<string, unknown>) {
  return { type: 'object', additionalProperties: false, properties: { ...pagingProperties, ...filters } } as const;
}

export interface RawListQuery {
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
  [k: string]: unknown;
}

/** The query as store filters: times to epoch ms, undefined fields dropped. */
export function storeFilter<T>(q: RawListQuery): T {
  const out: Record<string, unknown> = { limit: q.limit ?? 100 };
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || k === 'limit') continue;
    if (k === 'from' || k === 'to') {
      const t = Date.parse(v as string);
      if (Number.isNaN(t))
        throw new HttpError(400, {
          error: 'invalid-querystring',
          message: `${k} is not a time`,
          problems: [{ path: `querystring.${k}`, reason: 'is not an ISO 8601 time' }],
        });
      out[k] = t;
    } else out[k] = v;
  }
  return out as T;
}

/**
 * A list that can also be exported (`Accept: text/csv` or `application/geo+json`, streamed: src/server/exports.ts):
 * the page as JSON, and the two export formats, so that a client knows every body it can get.
 */
export function exportablePageSchema(item: unknown) {
  return {
    description:
      'A page of records as JSON; with Accept text/csv or application/geo+json, every matching record, streamed',
    content: {
      'application/json': { schema: pageSchema(item) },
      'text/csv': { schema: { type: 'string', description: 'RFC 4180 with a header row, UTF-8' } },
      'application/geo+json': {
        schema: {
          type: 'object',
          required: ['type', 'features'],
          properties: { type: { const: 'FeatureCollection' }, features: { type: 'array', items: { type: 'object' } } },
        },
      },
    },
  } as const;
}

export function pageSchema(item: unknown) {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['items'],
    properties: {
      items: { type: 'array', items: item },
      next: { type: 'string', description: 'Cursor of the next page; absent on the last' },
    },
  } as const;
}
