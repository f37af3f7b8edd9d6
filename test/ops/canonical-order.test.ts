/**
 * The pipeline builds its records with their keys in canonical order, so that their stored documents are written by
 * the native serialiser (canonicalStoredJson in canonical-json.ts takes that path only when the order holds). A
 * record built out of order is still stored correctly, only slower: this test is what keeps the order.
 */
import { describe, expect, it } from 'vitest';
import {
  geoLocatorFor,
  MemoryOpsReader,
  parseObservationBatch,
  processBatch,
  violationChanges,
} from '../../src/core/ops/index.js';
import { inCanonicalOrder } from '../../src/core/tlog/canonical-json.js';
import { operationsFor } from '../../src/server/operations.js';
import { examplePackage } from '../support/app.js';
import { traffic } from '../support/observations.js';

describe('canonical key order of the pipeline records', () => {
  it('holds for every observation, incident (but a merge), incident member and violation (active and withdrawn) of busy traffic', async () => {
    const geo = geoLocatorFor(examplePackage.model!, examplePackage.geometries);
    if (!geo.ok) throw new Error('example zones do not build');
    const now = Date.UTC(2026, 10, 1);
    const ops = operationsFor(examplePackage, { clock: { now: () => now }, locator: geo.locator });
    const model = ops.model;
    const reader = new MemoryOpsReader();
    const parsed = parseObservationBatch(traffic({ events: 3_000, seed: 7, prefix: 'k' }), ops.rules, now);
    if (!parsed.ok) throw new Error('invalid traffic');
    const seen = { observations: 0, incidents: 0, members: 0, violations: 0, withdrawn: 0, lines: 0, attributions: 0 };
    for (let i = 0; i < parsed.observations.length; i += 250) {
      const batch = parsed.observations.slice(i, i + 250);
      const out = await processBatch({ model, now }, batch, reader);
      for (const o of batch) {
        expect(inCanonicalOrder(o), JSON.stringify(Object.keys(o))).toBe(true);
        seen.observations++;
        if (o.attribution) seen.attributions++;
      }
      for (const r of out.incidentRevisions) {
        // A merge sets `absorbed` or `mergedInto` after the fact: those revisions alone may be out of order.
        if (r.absorbed === undefined && r.mergedInto === undefined) {
          expect(inCanonicalOrder(r), JSON.stringify(Object.keys(r))).toBe(true);
          seen.incidents++;
        }
        for (const m of r.members) {
          expect(inCanonicalOrder(m), JSON.stringify(Object.keys(m))).toBe(true);
          seen.members++;
        }
      }
      for (const v of out.violations) {
        expect(inCanonicalOrder(v), JSON.stringify(Object.keys(v))).toBe(true);
        seen.violations++;
        if (v.status === 'withdrawn') seen.withdrawn++;
        if (v.line) seen.lines++;
      }
      reader.apply(out);
    }
    // Withdrawals: every incident that had violations, merged away (a merged incident supports none).
    for (const prior of reader.incidents.values()) {
      if (!prior.violations?.length) continue;
      const merged = {
        ...prior,
        revision: prior.revision + 1,
        status: 'merged' as const,
        reason: 'merged-into' as const,
        mergedInto: 'inc-other',
      };
      for (const v of violationChanges(model, [merged], new Map([[prior.id, prior]]), now).records) {
        expect(v.status).toBe('withdrawn');
        expect(inCanonicalOrder(v), JSON.stringify(Object.keys(v))).toBe(true);
        seen.withdrawn++;
      }
    }
    // Line locations, which a violation of an `across` prohibition carries (rare in this traffic).
    for (const [lon, lat] of [
      [37.8, 48.0],
      [36.0, 47.5],
      [38.5, 48.9],
    ] as const)
      for (const l of geo.locator.locate(lon, lat).lines) {
        expect(inCanonicalOrder(l), JSON.stringify(Object.keys(l))).toBe(true);
        seen.lines++;
      }
    // Every optional part was met at least once.
    for (const [what, n] of Object.entries(seen)) expect(n, what).toBeGreaterThan(0);
  });
});
