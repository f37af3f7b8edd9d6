import { afterEach, describe, expect, it, vi } from 'vitest';
import { passGate, standingBy } from './standby.js';

describe('the background passes of a server that forwards its ingest', () => {
  afterEach(() => vi.useRealTimers());
  it('run on every tick without a router, or when this server owns; once per standby period otherwise', () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    let owner: string | undefined = 'http://owner:8080';
    const routing = { router: { target: () => owner, failed: () => undefined, close: async () => {} } };
    expect(standingBy(undefined)).toBe(false);
    expect(standingBy({})).toBe(false);
    const alone = passGate(undefined, 5_000);
    expect([alone(), alone(), alone()]).toEqual([true, true, true]);
    const due = passGate(routing, 5_000);
    expect(standingBy(routing)).toBe(true);
    expect(due()).toBe(true); // the first tick runs: whatever the owner did before this server started
    vi.advanceTimersByTime(1_000);
    expect(due()).toBe(false);
    vi.advanceTimersByTime(4_000);
    expect(due()).toBe(true);
    expect(due()).toBe(false);
    owner = undefined; // this server took the lease, or lost sight of the owner: back at full rate at once
    expect([due(), due()]).toEqual([true, true]);
  });
});
