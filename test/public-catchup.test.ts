/**
 * The projection's catch-up on a backlog (a server started on cases stored behind its back, read in chunks of many
 * cases per statement) publishes what a server projecting each batch of cases as it arrives publishes: each case's
 * state, the same CAP messages and events, the same status document. Runs on both stores, over more cases than one
 * chunk holds.
 */
import { describe, expect, it } from 'vitest';
import { casePlans, ManualClock, voteOnCase } from '../src/core/ops/index.js';
import type { FeedEvent } from '../src/core/ports/public.js';
import type { Store } from '../src/core/ports/store.js';
import { HOUR } from '../src/core/spec/units.js';
import { buildApp } from '../src/server/app.js';
import { operationsFor } from '../src/server/operations.js';
import { publicFaceOf } from '../src/server/public/face.js';
import { publicStoreFor } from '../src/store/public-store.js';
import { examplePackage, testLocator } from './support/app.js';
import { seedCases, type SeededCase } from './support/case-seed.js';
import { storeBackends } from './support/backends.js';

const NOW = Date.UTC(2026, 8, 1);
const places = [
  { region: 'UA-14', lon: 37.4, lat: 48.2 },
  { region: 'UA-09', lon: 39.2, lat: 48.9 },
  { region: 'UA-23', lon: 35.6, lat: 47.2 },
];
const BATCHES = 4;
const PER_BATCH = 180; // 720 cases: three chunks and a part on the catch-up

const backends = await storeBackends('h7_catchup');

/** Seeds the cases in batches into a server over `store`, projecting after each batch (`incremental`) or once at the end. */
async function projected(store: Store, incremental: boolean) {
  const clock = new ManualClock(NOW);
  const app = await buildApp({
    store,
    operations: operationsFor(examplePackage, { clock, locator: testLocator }),
    package: examplePackage,
    public: { background: false, statusEvery: 0 },
  });
  await app.ready();
  const face = publicFaceOf(store);
  if (!face) throw new Error('the app built no public face');
  const model = examplePackage.model;
  if (!model) throw new Error('the example package has no model');
  let passes = 0;
  const follow = async () => {
    for (let n = 1; n > 0; passes++) n = await face.project();
  };
  let seeded: SeededCase[] = [];
  for (let b = 0; b < BATCHES; b++) {
    const batch = await seedCases(store, model, {
      n: PER_BATCH,
      now: NOW,
      span: 40 * HOUR,
      places,
      tag: `b${b}`,
      declare: (i) => i % 50 === 0,
    });
    if (b === 0) seeded = batch;
    if (incremental) await follow();
  }
  await follow();
  // Then the judgment body declares some of the open cases of the first batch: their chains go on with an Update.
  const plans = casePlans(model);
  for (const c of seeded.filter((_, i) => i % 7 === 1 && i % 50 !== 0)) {
    await store.casework().updateCase(c.id, (file) => {
      if (!file) throw new Error(`no case file for ${c.id}`);
      let next = file;
      for (const member of ['FR', 'UK', 'DE']) {
        const r = voteOnCase(plans, next, { member, choice: 'declare', at: NOW, statement: `later-${member}` });
        if (!r.ok) throw new Error(r.rejection.message);
        next = r.file;
      }
      return { step: { file: next, timers: [] }, result: undefined };
    });
  }
  await follow();
  const ps = publicStoreFor(store);
  const events: FeedEvent[] = [];
  for (let after = 0; ;) {
    const page = await ps.eventsAfter(after, 1000);
    if (!page.length) break;
    events.push(...page);
    after = page.at(-1)?.seq ?? after;
  }
  const caseIds = [...new Set(events.flatMap((e) => (e.kind === 'case' ? [String(e.data['caseId'])] : [])))].sort();
  const chains = await ps.capChains(caseIds);
  const status = (await ps.publicStatus())?.doc;
  await app.close();
  await store.close();
  // A case touched in two passes has an event from each (where a page of the log ends differs between the two
  // ways); its last is its state as of the end.
  const lastOfCase = new Map<string, string>();
  for (const e of events) if (e.kind === 'case') lastOfCase.set(String(e.data['caseId']), JSON.stringify(e.data));
  const capEvents = events
    .filter((e) => e.kind === 'cap')
    .map((e) => JSON.stringify(e.data))
    .sort();
  return { caseEvents: [...lastOfCase.entries()].sort(), capEvents, chains: [...chains.entries()], status, passes };
}

describe.each(backends)('the projection catching up on a backlog (%s)', (_name, make) => {
  it('publishes what projecting each batch as it arrives publishes', { timeout: 120_000 }, async () => {
    const catchUp = await projected(await make(), false);
    const step = await projected(await make(), true);
    expect(catchUp.caseEvents).toHaveLength(BATCHES * PER_BATCH);
    expect(catchUp.chains).toHaveLength(BATCHES * PER_BATCH);
    // The cases declared later got an Update after their Alert.
    expect(catchUp.chains.some(([, chain]) => chain.length > 1)).toBe(true);
    expect(catchUp.capEvents.length).toBeGreaterThan(BATCHES * PER_BATCH);
    expect(catchUp.caseEvents).toEqual(step.caseEvents);
    expect(catchUp.capEvents).toEqual(step.capEvents);
    expect(catchUp.chains).toEqual(step.chains);
    expect(catchUp.status).toBeDefined();
    expect(catchUp.status).toEqual(step.status);
    expect(step.passes).toBeGreaterThan(catchUp.passes);
  });
});
