/** CaseworkService.catchUp: a caller sees every case stored before its call, even while an older pass runs. */
import { describe, expect, it } from 'vitest';
import type { CaseworkStore } from '../core/ports/casework.js';
import { examplePackage } from '../../test/support/app.js';
import { CaseworkService } from './casework.js';

function slowStore() {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const state = { stored: 0, adopted: 0, passes: 0 };
  const store = {
    async adoptCases() {
      state.passes++;
      const seen = state.stored; // what this pass read when it began
      if (state.passes === 1) await gate;
      state.adopted = Math.max(state.adopted, seen);
      return seen;
    },
    async firePass() {
      return [];
    },
  } as unknown as CaseworkStore;
  return { store, state, release };
}

describe('catchUp', () => {
  it('runs a fresh pass for a caller that arrives while an older pass runs, shared by all who arrive meanwhile', async () => {
    const { store, state, release } = slowStore();
    const svc = new CaseworkService(store, examplePackage.model!, { now: () => 0 } as never);
    const first = svc.catchUp(); // reads the store before the case is stored
    state.stored = 1; // a case is stored while that pass runs
    const second = svc.catchUp();
    const third = svc.catchUp();
    expect(third).toBe(second);
    release();
    await first;
    await second;
    expect(state.adopted).toBe(1);
    expect(state.passes).toBe(2);
  });

  it('shares nothing once a pass has ended', async () => {
    const { store, state, release } = slowStore();
    release();
    const svc = new CaseworkService(store, examplePackage.model!, { now: () => 0 } as never);
    await svc.catchUp();
    await svc.catchUp();
    expect(state.passes).toBe(2);
  });
});
