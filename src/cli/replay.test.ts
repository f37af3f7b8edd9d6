import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { formatSummary, groupReasons, NothingUsable, runReplay } from './replay.js';
import { checkUrl } from './api-client.js';
import type { Fetch } from './api-client.js';
import { UsageError } from './usage-error.js';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
    const problems = items.flatMap((o, index) =>
      o.time < refuseBefore ? [{ index, path: 'time', reason: 'too early for this test' }] : [],
    );
    if (problems.length)
      return new Response(JSON.stringify({ error: 'invalid-observations', message: 'bad items', problems }), {
        status: 400,
        headers: { 'content-type': 'application/json' },
      });
    let accepted = 0;
    const ids: number[] = [];
    for (const o of items) {
      const k = `${o.source}|${o.sourceId}`;
      if (!seen.has(k)) accepted++;
      seen.add(k);
      ids.push([...seen].indexOf(k) + 1);
    }
    // The answer the API declares (every required field), as the server gives it.
    const answer = {
      accepted,
      duplicates: items.length - accepted,
      ids,
      incidentRevisions: 0,
      violations: 0,
      cases: 0,
    };
    return new Response(JSON.stringify(answer), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  return { fetch: f as unknown as Fetch, requests, seen };
}

describe('guarantor replay', () => {
  it('sends UCDP events in batches with the key, and counts accepted, duplicate and rejected', async () => {
    const server = fakeServer('2014-03-01');
    const base = {
      kind: 'ucdp' as const,
      file: UCDP,
      url: 'http://127.0.0.1:1',
      apiKey: 'k-123',
      batch: 500,
      source: 'ucdp',
      crosswalk: CROSSWALK,
      fetch: server.fetch,
      undetermined: 'artillery-fire' as const,
    };
    const first = await runReplay(base);
    expect(first).toMatchObject({ parsed: 3074, skipped: 3, sent: 3074 });
    expect(first.rejected).toBeGreaterThan(0);
    expect(first.accepted + first.rejected).toBe(3074);
    // Rejections grouped by reason: one reason here, counted, with two examples.
    expect(first.rejectedBy).toEqual([
      {
        reason: 'time: too early for this test',
        count: first.rejected,
        examples: [expect.any(String), expect.any(String)],
      },
    ]);
    expect(formatSummary(first)).toMatch(
      /rejected by the server, by reason:\n +\d+  time: too early for this test  \(e\.g\. source id \d+, \d+\)/,
    );
    expect(server.requests.every((r) => r.auth === 'Bearer k-123' && r.size <= 500)).toBe(true);
    const again = await runReplay(base);
    expect(again).toMatchObject({ accepted: 0, duplicates: 3074 - first.rejected, rejected: first.rejected });
  });

  it('replays air-raid alerts as region-level observations', async () => {
    const server = fakeServer();
    const s = await runReplay({
      kind: 'alerts',
      file: ALERTS,
      url: 'http://127.0.0.1:1',
      apiKey: 'k',
      batch: 2000,
      source: 'air-alerts',
      crosswalk: CROSSWALK,
      fetch: server.fetch,
      limit: 5000,
    });
    expect(s).toMatchObject({ sent: 5000, accepted: 5000, rejected: 0 });
    expect(s.parsed + s.skipped).toBe(43_031);
    expect(s.skipped).toBe(0);
  });

  it('stops with a usage error when the server refuses the key', async () => {
    const deny = (async () =>
      new Response(JSON.stringify({ error: 'unauthorized', message: 'unknown key' }), {
        status: 401,
        headers: { 'content-type': 'application/json' },
      })) as unknown as typeof fetch;
    await expect(
      runReplay({
        kind: 'ucdp',
        file: UCDP,
        url: 'http://x',
        apiKey: 'bad',
        batch: 500,
        source: 'ucdp',
        crosswalk: CROSSWALK,
        fetch: deny,
      }),
    ).rejects.toThrow(/refused observations 0\.\.\d+ \(HTTP 401 unauthorized: unknown key\)/);
  });

  it('skips events whose headlines name no weapon unless told what to send them as, and says why, grouped', async () => {
    const s = await runReplay({
      kind: 'ucdp',
      file: UCDP,
      batch: 500,
      source: 'ucdp',
      crosswalk: CROSSWALK,
      dryRun: true,
    });
    expect(s.sent).toBe(0);
    expect(s.parsed + s.skipped).toBe(3077);
    expect(s.skippedBy[0]).toMatchObject({
      reason: expect.stringMatching(/^the headlines do not say what was fired/),
      examples: [expect.stringMatching(/^line \d+ \(id \d+\)$/), expect.any(String)],
    });
    expect(Object.keys(s.activities).sort()).toEqual([
      'air-strike',
      'artillery-fire',
      'drone-strike',
      'missile-strike',
      'small-arms-fire',
    ]);
    const text = formatSummary(s);
    expect(text).toMatch(
      /^3,077 rows read: [\d,]+ observations, [\d,]+ rows skipped\n  activity: artillery-fire [\d,]+, /,
    );
    expect(text).toMatch(/dry run: [\d,]+ observations mapped, nothing sent\n$/);
  });

  it('a dry run sends nothing', async () => {
    const server = fakeServer();
    const s = await runReplay({
      kind: 'alerts',
      file: ALERTS,
      batch: 500,
      source: 'air-alerts',
      crosswalk: CROSSWALK,
      dryRun: true,
      fetch: server.fetch,
      limit: 10,
    });
    expect(server.requests).toHaveLength(0);
    expect(s).toMatchObject({ dryRun: true, sent: 0, activities: { overflight: 10 }, locations: { region: 10 } });
  });

  it('refuses a file with nothing usable, naming the expected format: a raw GED export with other dates, a file without the columns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'replay-'));
    const raw = join(dir, 'raw.csv');
    const header =
      'id,type_of_violence,side_a,side_b,where_prec,where_coordinates,adm_1,latitude,longitude,event_clarity,date_start,date_end,best,low,high,number_of_sources,source_headline';
    writeFileSync(
      raw,
      [
        header,
        '1,1,A,B,1,x,Donetsk oblast,48,37,1,2/27/2023 12:00:00 AM,03/05/2023 00:00,1,1,1,1,shelling',
        '2,1,A,B,1,x,Donetsk oblast,48,37,1,2/28/2023 12:00:00 AM,2/28/2023 12:00:00 AM,1,1,1,1,shelling',
      ].join('\n'),
    );
    const run = (file: string) =>
      runReplay({ kind: 'ucdp', file, batch: 500, source: 'ucdp', crosswalk: CROSSWALK, dryRun: true });
    await expect(run(raw)).rejects.toThrow(NothingUsable);
    await expect(run(raw)).rejects.toThrow(
      /0 observations\n  2 × dates "2\/27\/2023 12:00:00 AM".."03\/05\/2023 00:00" are not days \(and the like\) \(e\.g\. line 2 \(id 1\), line 3 \(id 2\)\)\nexpected .*date_end \(days as YYYY-MM-DD\)/,
    );
    const wrong = join(dir, 'wrong.csv');
    writeFileSync(wrong, 'a,b\n1,2\n');
    await expect(run(wrong)).rejects.toThrow(/missing columns .*\nexpected a UCDP GED CSV file/);
  });

  it('a URL without a scheme is a usage error that suggests the fix', () => {
    expect(() => checkUrl('localhost:8081')).toThrow(UsageError);
    expect(() => checkUrl('localhost:8081')).toThrow(/did you mean http:\/\/localhost:8081\?/);
    expect(() => checkUrl('ftp://x')).toThrow(UsageError);
    expect(checkUrl('http://127.0.0.1:8081').port).toBe('8081');
  });

  it('groups reasons that differ only in their values', () => {
    const g = groupReasons([
      { reason: '"UA-99" is not a region', example: 'a' },
      { reason: '"UA-98" is not a region', example: 'b' },
      { reason: '"UA-97" is not a region', example: 'c' },
      { reason: 'no id', example: 'd' },
    ]);
    expect(g).toEqual([
      { reason: '"UA-99" is not a region (and the like)', count: 3, examples: ['a', 'b'] },
      { reason: 'no id', count: 1, examples: ['d'] },
    ]);
  });
});
