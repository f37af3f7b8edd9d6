/**
 * Operations honour what real agreements say (issue 20, item 2): a dormant trigger is inactive until it wakes, and
 * the public status says so.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LoadedPackage } from '../src/core/spec/load.js';
import { examplePackage, testServer, type TestServer } from './support/app.js';

const DAY = 86_400_000;
const EFFECTIVE = examplePackage.model!.effective.start;

/** The example package with `serious-violation` dormant until the ceasefire has held 60 days. */
function withDormantTrigger(): LoadedPackage {
  const model = structuredClone(examplePackage.model!);
  (model.triggers['serious-violation'] as { wakes?: unknown }).wakes = { held: 60 * DAY };
  return { ...examplePackage, model };
}

let s: TestServer | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

describe('dormant triggers, live', () => {
  it('the status shows a dormant trigger as dormant with when it wakes, then active once it has', async () => {
    s = await testServer({ package: withDormantTrigger(), now: EFFECTIVE + 10 * DAY });
    const status = async () =>
      (await s!.app.inject({ method: 'GET', url: '/v1/status' })).json() as {
        triggers: { id: string; state: string; wakes?: string; wakesAt?: string | null }[];
      };
    const before = (await status()).triggers;
    expect(before.find((t) => t.id === 'serious-violation')).toEqual({
      id: 'serious-violation',
      state: 'dormant',
      wakes: 'once the ceasefire has held 60 days (from effective)',
      wakesAt: new Date(EFFECTIVE + 60 * DAY).toISOString(),
    });
    // A trigger with no `wakes` applies from `effective`.
    expect(before.find((t) => t.id !== 'serious-violation')).toMatchObject({ state: 'active' });
    s.clock.advance(50 * DAY);
    expect((await status()).triggers.find((t) => t.id === 'serious-violation')).toMatchObject({ state: 'active' });
  });
});
