/** `fetch` answered by a Fastify app in process (`inject`), headers and all, for the CLI's API client in tests. */
import type { FastifyInstance } from 'fastify';
import type { Fetch } from '../../src/cli/api-client.js';

export function injectFetch(app: FastifyInstance | (() => FastifyInstance)): Fetch {
  return async (url, init) => {
    const a = typeof app === 'function' ? app() : app;
    const u = new URL(url);
    const r = await a.inject({
      method: init.method as 'GET',
      url: u.pathname + u.search,
      headers: init.headers,
      ...(init.body !== undefined ? { payload: init.body } : {}),
    });
    const headers = new Headers();
    for (const [k, v] of Object.entries(r.headers))
      if (v !== undefined && k !== 'content-length' && k !== 'transfer-encoding')
        headers.set(k, Array.isArray(v) ? v.join(', ') : String(v));
    return new Response(r.statusCode === 204 || r.statusCode === 304 ? null : r.rawPayload, {
      status: r.statusCode,
      headers,
    });
  };
}
