import { describe, expect, it } from 'vitest';
import type { Observation } from '../core/ops/index.js';
import type { IngestResult } from '../core/ports/store.js';
import { GroupCommit, type IngestRequest } from './group-commit.js';
import { WriteQueue } from './write-queue.js';

const request = (n: number, tag: string): IngestRequest => ({
  observations: Array.from({ length: n }, (_, i) => ({ source: tag, sourceId: String(i) }) as unknown as Observation),
  meta: { receivedAt: 0, submittedBy: tag },
  process: () => ({ incidentRevisions: [], violations: [], caseOpenings: [] }),
  docs: Array.from({ length: n }, () => '{}'),
});
const result = (r: IngestRequest): IngestResult => ({
  accepted: r.observations.length,
  duplicates: 0,
  caseRevisions: 0,
  late: 0,
  ids: [],
  incidentRevisions: 0,
  violations: 0,
  cases: 0,
});
const tick = () => new Promise((r) => setTimeout(r, 5));
/** After the group commit's own turn of the event loop: the first group has been taken. */
const started = () => new Promise((r) => setImmediate(() => setImmediate(r)));

describe('GroupCommit', () => {
  it('starts a lone batch after one turn of the event loop and puts the batches that arrive meanwhile into the next transaction, in order', async () => {
    const groups: string[][] = [];
    const g = new GroupCommit(new WriteQueue(), async (group) => {
      groups.push(group.map((r) => r.meta.submittedBy));
      await tick();
      return group.map(result);
    });
    const first = g.submit(request(10, 'a'));
    await started();
    const rest = ['b', 'c', 'd'].map((t) => g.submit(request(10, t)));
    const all = await Promise.all([first, ...rest]);
    expect(groups).toEqual([['a'], ['b', 'c', 'd']]);
    expect(all.map((r) => r.accepted)).toEqual([10, 10, 10, 10]);
  });

  it('stops a group at the observation limit (but always takes one batch)', async () => {
    const groups: number[][] = [];
    const g = new GroupCommit(
      new WriteQueue(),
      async (group) => {
        groups.push(group.map((r) => r.observations.length));
        await tick();
        return group.map(result);
      },
      1000,
    );
    const blocker = g.submit(request(1, 'x'));
    await started();
    await Promise.all([blocker, ...[600, 300, 200, 1500, 100].map((n, i) => g.submit(request(n, `r${i}`)))]);
    expect(groups).toEqual([[1], [600, 300], [200], [1500], [100]]);
  });

  it('when a group fails, runs each batch alone so only the one at fault is refused', async () => {
    const runs: string[][] = [];
    const g = new GroupCommit(new WriteQueue(), async (group) => {
      runs.push(group.map((r) => r.meta.submittedBy));
      await tick();
      if (group.some((r) => r.meta.submittedBy === 'bad')) throw new Error('constraint failed');
      return group.map(result);
    });
    const first = g.submit(request(1, 'a'));
    await started();
    const outcomes = await Promise.allSettled([
      first,
      g.submit(request(1, 'b')),
      g.submit(request(1, 'bad')),
      g.submit(request(1, 'c')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[2] as PromiseRejectedResult).reason.message).toBe('constraint failed');
    expect(runs).toEqual([['a'], ['b', 'bad', 'c'], ['b'], ['bad'], ['c']]);
  });

  it('hands a runner that waited for its lock the batches that arrived meanwhile, up to the limit; a failed group reruns them alone', async () => {
    const groups: string[][] = [];
    let fail = false;
    const g = new GroupCommit(
      new WriteQueue(),
      async (group, more) => {
        await tick(); // another server's transaction holds the lock
        const all = [...group, ...more()];
        groups.push(all.map((r) => r.meta.submittedBy));
        if (fail && all.length > 1) throw new Error('constraint failed');
        return all.map(result);
      },
      30,
    );
    const first = g.submit(request(10, 'a'));
    await started();
    const rest = ['b', 'c', 'd'].map((t) => g.submit(request(10, t)));
    const all = await Promise.all([first, ...rest]);
    // b and c joined a's transaction (30 observations); d did not fit and had its own.
    expect(groups).toEqual([['a', 'b', 'c'], ['d']]);
    expect(all.map((r) => r.accepted)).toEqual([10, 10, 10, 10]);

    groups.length = 0;
    fail = true;
    const x = g.submit(request(10, 'x'));
    await started();
    const y = g.submit(request(10, 'y'));
    await Promise.all([x, y]);
    expect(groups).toEqual([['x', 'y'], ['x'], ['y']]);
  });
});
