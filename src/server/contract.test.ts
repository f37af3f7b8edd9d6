/** The contract check catches what a generated client would trip on; the document names and declares everything. */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/ops/index.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { examplePackage } from '../../test/support/app.js';
import { buildApp } from './app.js';
import type { ContractProblem } from './contract.js';
import { operationIdFor } from './openapi.js';
import { operationsFor } from './operations.js';

async function app(problems: ContractProblem[]) {
  const store = SqliteStore.open({ path: ':memory:' });
  const a = await buildApp({
    store,
    operations: operationsFor(examplePackage, { clock: new ManualClock(Date.UTC(2026, 6, 1)) }),
    package: examplePackage,
    contract: (p) => problems.push(p),
  });
  return { app: a, close: async () => (await a.close(), await store.close()) };
}

describe('the API contract', () => {
  it('reports a planted undeclared status, an undeclared content type and a body off its schema', async () => {
    const problems: ContractProblem[] = [];
    const s = await app(problems);
    const schema = {
      querystring: { type: 'object', properties: { mode: { type: 'string' } } },
      response: {
        200: { type: 'object', additionalProperties: false, required: ['a'], properties: { a: { type: 'string' } } },
      },
    };
    s.app.get('/v1/planted', { config: { access: 'public' }, schema }, async (request, reply) => {
      const { mode } = request.query as { mode?: string };
      if (mode === 'teapot') return reply.code(418 as never).send({ error: 'teapot', message: 'no' } as never);
      if (mode === 'text') return reply.type('text/plain').send('a');
      if (mode === 'bad') return reply.type('application/json').send(JSON.stringify({ b: 1 }));
      // The serializer would drop `b` silently: the answer is checked before it is serialized.
      if (mode === 'extra') return { a: 'fine', b: 1 };
      return { a: 'fine' };
    });
    try {
      for (const mode of ['ok', 'teapot', 'text', 'bad', 'extra'])
        await s.app.inject({ method: 'GET', url: `/v1/planted?mode=${mode}` });
      expect(problems.map((p) => [p.status, p.reason.split(':')[0]])).toEqual([
        [418, 'status 418 is not declared (declared'],
        [200, 'content type "text/plain" is not declared for 200 (declared'],
        [200, 'the body does not match the declared schema'],
        [200, "the handler's answer does not match the declared schema (a field it does not name would be dropped)"],
      ]);
    } finally {
      await s.close();
    }
  });

  it('names every operation once and declares a success and a client error for each', async () => {
    const s = await app([]);
    try {
      await s.app.ready();
      const doc = s.app.swagger() as unknown as {
        servers?: unknown[];
        info: { license?: unknown };
        paths: Record<string, Record<string, { operationId?: string; responses: Record<string, unknown> }>>;
      };
      expect(doc.servers).toEqual([{ url: '/', description: expect.any(String) }]);
      expect(doc.info.license).toEqual({ name: 'MIT', identifier: 'MIT' });
      const ids = new Set<string>();
      for (const [path, ops] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(ops)) {
          expect(op.operationId, `${method} ${path}`).toBeDefined();
          expect(ids.has(op.operationId!), `${op.operationId} twice`).toBe(false);
          ids.add(op.operationId!);
          const statuses = Object.keys(op.responses);
          expect(
            statuses.some((x) => x.startsWith('2')),
            `${method} ${path} declares no 2xx`,
          ).toBe(true);
          expect(
            statuses.some((x) => x.startsWith('4')),
            `${method} ${path} declares no 4xx`,
          ).toBe(true);
          expect(statuses).toContain('503');
        }
      }
      expect(operationIdFor('GET', '/v1/log/checkpoint/:size')).toBe('getLogCheckpointBySize');
      expect(operationIdFor('POST', '/v1/cases/:id/tasks/:index/:actor/deliver')).toBe(
        'postCasesByIdTasksByIndexByActorDeliver',
      );
      // A route that reads no parameter refuses one, as the document says.
      const r = await s.app.inject({ method: 'GET', url: '/healthz?verbose=1' });
      expect(r.statusCode).toBe(400);
    } finally {
      await s.close();
    }
  });
});
