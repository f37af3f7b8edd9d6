import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import type { Fetch } from './http-client.js';
import { runReplay } from './replay.js';

const UCDP = resolve('examples/data/ucdp-ged/ucdp-ged-ukraine-2014-01_to_2022-02.csv');
const ALERTS = resolve('examples/data/air-raid-alerts/official_data_en.csv');
const CROSSWALK = 'examples/data/oblast-crosswalk.csv';

/** A stand-in server: idempotent on (source, sourceId), refusing items whose time is before `refuseBefore`. */
function fakeServer(refuseBefore = '') {
  const seen = new Set<string>();
  const requests: { auth: string | null; size: number }[] = [];
  const f = async (_url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const items = JSON.parse(String(init!.body)) as { source: string; sourceId: string; time: string }[];
    requests.push({ auth: new Headers(init!.headers).get('authorization'), size: items.length });
    const problems = items.flatMap((o, index) => (o.time < refuseBefore ? [{ index, path: 'time', reason: 'too early for this test' }] : []));
    if (problems.length) return new Response(JSON.stringify({ error: 'invalid-observations', message: 'bad items', problems }), { status: 400 });
    let accepted = 0;
    for (const o of items) {
      const k = `${o.source}|${o.sourceId}`;
      if (!seen.has(k)) accepted++;
      seen.add(k);
    }
    return new Response(JSON.stringify({ accepted, duplicates: items.length - accepted, violations: 0, cases: 0 }), { status: 200 });
  };
  return { fetch: f as unknown as Fetch, requests, seen };
}

describe('guarantor replay', () => {
  it('sends UCDP events in batches with the key, and counts accepted, duplicate and rejected', async () => {
    const server = fakeServer('2014-03-01');
    const base = { kind: 'ucdp' as const, file: UCDP, to: 'http://127.0.0.1:1', key: 'k-123', batch: 500, source: 'ucdp', crosswalk: CROSSWALK, fetch: server.fetch };
    const first = await runReplay(base);
    expect(first).toMatchObject({ parsed: 3074, skipped: 3, sent: 3074 });
    expect(first.rejected).toBeGreaterThan(0);
    expect(first.accepted + first.rejected).toBe(3074);
    expect(first.problems[0]).toMatchObject({ path: 'time', reason: 'too early for this test' });
    expect(server.requests.every((r) => r.auth === 'Bearer k-123' && r.size <= 500)).toBe(true);
    const again = await runReplay(base);
    expect(again).toMatchObject({ accepted: 0, duplicates: 3074 - first.rejected, rejected: first.rejected });
  });

  it('replays air-raid alerts as region-level observations', async () => {
    const server = fakeServer();
    const s = await runReplay({ kind: 'alerts', file: ALERTS, to: 'http://127.0.0.1:1', key: 'k', batch: 2000, source: 'air-alerts', crosswalk: CROSSWALK, fetch: server.fetch, limit: 5000 });
    expect(s).toMatchObject({ sent: 5000, accepted: 5000, rejected: 0 });
    expect(s.parsed + s.skipped).toBe(43_031);
    expect(s.skipped).toBe(0);
  });

  it('stops with a usage error when the server refuses the key', async () => {
    const deny = (async () => new Response(JSON.stringify({ error: 'unauthorized', message: 'unknown key' }), { status: 401 })) as unknown as Fetch;
    await expect(runReplay({ kind: 'ucdp', file: UCDP, to: 'http://x', key: 'bad', batch: 500, source: 'ucdp', crosswalk: CROSSWALK, fetch: deny })).rejects.toThrow(/401 \(unauthorized\).*unknown key/);
  });
});
