/**
 * When the server signs (issue 16): a checkpoint within a second of any append, and one at a graceful stop, so a
 * server stopped (SIGTERM/SIGINT close the app the same way) right after an append leaves it under a signature.
 * The checkpoints are read from the database, never through GET /v1/log/checkpoint, which would sign on demand.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { start, type Running } from '../src/main.js';
import { generateKey } from '../src/server/api-keys.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { obs } from './ops/harness.js';

const dir = mkdtempSync(join(tmpdir(), 'tlog-cp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function serve(db: string): Promise<{ r: Running; post: (n: number) => Promise<number> }> {
  const r = await start({
    packagePath: 'examples/ukraine-2026.yaml',
    db,
    port: 0,
    host: '127.0.0.1',
    logLevel: 'silent',
  });
  const k = generateKey('CMM', 'monitor', 'test monitor', Date.now());
  await r.store.createApiKey(k.record);
  let n = 0;
  const post = async (count: number) => {
    const t = Date.now() - 86_400_000;
    const items = Array.from({ length: count }, () => obs({ source: 'radar', sourceId: `c${n++}`, at: t + n * 1000 }));
    const res = await fetch(`${r.url}/v1/observations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${k.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(items),
    });
    expect(res.status).toBe(200);
    return (await r.store.transparencyLog().head()).size;
  };
  return { r, post };
}

describe('checkpoints', () => {
  it('are signed within 1 s of any append', async () => {
    const { r, post } = await serve(join(dir, 'prompt.db'));
    try {
      const log = r.store.transparencyLog();
      const delays: number[] = [];
      for (let i = 0; i < 5; i++) {
        const size = await post(10);
        const t0 = performance.now();
        while (!(await log.checkpointAt(size))) {
          if (performance.now() - t0 > 5000) break;
          await new Promise((res) => setTimeout(res, 5));
        }
        delays.push(performance.now() - t0);
        await new Promise((res) => setTimeout(res, 137 * i));
      }
      expect(Math.max(...delays)).toBeLessThan(1000);
    } finally {
      await r.close();
    }
  });

  it('are signed at a graceful stop, over everything appended', async () => {
    const db = join(dir, 'stop.db');
    const { r, post } = await serve(db);
    const log = r.store.transparencyLog();
    // Right after a signing, so the next tick is not due before the stop.
    const first = await post(5);
    while (!(await log.checkpointAt(first))) await new Promise((res) => setTimeout(res, 5));
    const size = await post(5);
    await r.close();
    const store = SqliteStore.open({ path: db });
    try {
      const cp = await store.transparencyLog().latestCheckpoint();
      expect(cp?.size).toBe(size);
    } finally {
      await store.close();
    }
  });
});
