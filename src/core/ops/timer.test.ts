import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock.js';
import {
  compareTimers,
  dueTimers,
  escalationTimer,
  judgmentTimer,
  taskDueTimer,
  TimerQueue,
  type Timer,
} from './timer.js';

describe('timers', () => {
  it('due timers come out in firing order: time, then judgment before due before escalation, then step', () => {
    const ts: Timer[] = [
      escalationTimer('c', 't', 1, 100),
      escalationTimer('c', 't', 0, 100),
      taskDueTimer('c', 't', 100),
      judgmentTimer('c', 100),
      judgmentTimer('d', 50),
      taskDueTimer('c', 'u', 200),
    ];
    expect(dueTimers(ts, 100).map((t) => t.key)).toEqual([
      'judgment:d',
      'judgment:c',
      'due:t',
      'escalation:t:0',
      'escalation:t:1',
    ]);
    expect(dueTimers(ts, 49)).toEqual([]);
  });

  it('the queue pops exactly what is due, in order, each once; scheduling a key twice is a no-op', () => {
    const q = new TimerQueue();
    expect(q.add(judgmentTimer('a', 30))).toBe(true);
    expect(q.add(judgmentTimer('a', 10))).toBe(false);
    q.add(taskDueTimer('a', 't', 10));
    q.add(judgmentTimer('b', 20));
    expect(q.popDue(5)).toEqual([]);
    expect(q.popDue(20).map((t) => t.key)).toEqual(['due:t', 'judgment:b']);
    expect(q.size).toBe(1);
    expect(q.popDue(1e9).map((t) => t.key)).toEqual(['judgment:a']);
    expect(q.popDue(1e9)).toEqual([]);
    expect(q.add(judgmentTimer('a', 40))).toBe(true); // fired keys may be scheduled again
  });

  it('agrees with sorting, for any timers and any pass times (property)', () => {
    const timer = fc.record({
      at: fc.integer({ min: 0, max: 1000 }),
      kind: fc.constantFrom('j', 'd', 'e'),
      id: fc.integer({ min: 0, max: 50 }),
      step: fc.integer({ min: 0, max: 2 }),
    });
    fc.assert(
      fc.property(
        fc.array(timer, { maxLength: 200 }),
        fc.array(fc.integer({ min: 0, max: 1200 }), { maxLength: 5 }),
        (raw, passes) => {
          const ts = raw.map((r) =>
            r.kind === 'j'
              ? judgmentTimer(`c${r.id}`, r.at)
              : r.kind === 'd'
                ? taskDueTimer(`c${r.id}`, `t${r.id}`, r.at)
                : escalationTimer(`c${r.id}`, `t${r.id}`, r.step, r.at),
          );
          const q = new TimerQueue();
          const unique = new Map<string, Timer>();
          for (const t of ts) if (q.add(t)) unique.set(t.key, t);
          const clock = new ManualClock(0);
          const popped: Timer[] = [];
          for (const p of [...passes].sort((a, b) => a - b)) {
            clock.set(Math.max(clock.now(), p));
            popped.push(...q.popDue(clock.now()));
          }
          popped.push(...q.popDue(Infinity));
          expect(popped).toEqual([...unique.values()].sort(compareTimers));
        },
      ),
    );
  });
});

describe('ManualClock', () => {
  it('moves forward only', () => {
    const c = new ManualClock(1000);
    expect(c.advance(500)).toBe(1500);
    expect(c.set(2000)).toBe(2000);
    expect(() => c.set(1999)).toThrow(/cannot go back/);
    expect(() => c.advance(-1)).toThrow(/non-negative/);
    expect(() => new ManualClock(Number.NaN)).toThrow(/finite/);
  });
});
