import { describe, expect, it } from 'vitest';
import { MemoryOpsReader } from '../core/ops/index.js';
import { parseObservationBatch } from '../core/ops/index.js';
import type { StoredObservation } from '../core/ports/store.js';
import { encodeCanonicalEntry, encodeEntry } from '../core/tlog/entry.js';
import { operationsFor } from '../server/operations.js';
import { examplePackage } from '../../test/support/app.js';
import { traffic } from '../../test/support/observations.js';
import { canonicalStoredJson } from '../core/tlog/canonical-json.js';
import {
  asStored,
  caseOpeningEntry,
  incidentEntry,
  freshSalts,
  ingestTextEntries,
  publicEntry,
  observationEntry,
  violationEntry,
} from './log-entries.js';

describe('ingest entries: one serialisation for the row and the log', () => {
  it('frames the stored document text into exactly the bytes encodeEntry gives the record', async () => {
    const now = Date.UTC(2026, 10, 1);
    const ops = operationsFor(examplePackage, { clock: { now: () => now } });
    const reader = new MemoryOpsReader();
    const items = traffic({ events: 400, prefix: 'le', seed: 5 });
    // Odd submitters and text: quotes, non-ASCII, an emoji; the text path must escape as canonical JSON does.
    items[0] = { ...items[0]!, sourceId: 'quote " back\\slash é 🛰' } as (typeof items)[number];
    let seq = 1;
    let checked = 0;
    for (let i = 0; i < items.length; i += 100) {
      const parsed = parseObservationBatch(items.slice(i, i + 100), ops.rules, now);
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
      const docs = parsed.observations.map((o) => canonicalStoredJson(o));
      const fresh: StoredObservation[] = parsed.observations.map((o) => ({
        ...o,
        seq: seq++,
        receivedAt: now + i,
        submittedBy: i ? 'key-1' : 'clé "ü"',
      }));
      const out = await ops.process(fresh, reader);
      const revised = out.caseRevisions ?? [];
      reader.apply({ ...out, caseRevisions: revised, late: 0, duplicates: 0 });
      const salts = freshSalts(fresh.length);
      const records = [...out.incidentRevisions, ...out.violations, ...out.caseOpenings, ...revised];
      const sealing = new Map<object, string>(freshSalts(records.length).map((x, j) => [records[j]!, x]));
      const saltOf = (r: object) => sealing.get(r)!;
      const entries = ingestTextEntries(fresh, out, docs, salts, canonicalStoredJson, saltOf);
      // The reference: each record as the store reads it back, logged from scratch (observations sealed).
      const reference = [
        ...fresh.map(({ seq, receivedAt, submittedBy, ...o }, j) =>
          publicEntry(observationEntry(seq, receivedAt, submittedBy, asStored(o), salts[j])),
        ),
        ...out.incidentRevisions.map((r) => publicEntry(incidentEntry(asStored(r), saltOf(r)))),
        ...out.violations.map((v) => publicEntry(violationEntry(asStored(v), saltOf(v)))),
        ...out.caseOpenings.map((c) => publicEntry(caseOpeningEntry(asStored(c), saltOf(c)))),
        // A revised case is logged as its revision (`<case>/revision/<n>`).
        ...revised.map((c) => publicEntry(caseOpeningEntry(asStored(c), saltOf(c)))),
      ];
      expect(entries.map((e) => [e.kind, e.recordId])).toEqual(reference.map((e) => [e.kind, e.recordId]));
      entries.forEach((e, k) => {
        expect(
          Buffer.from(encodeCanonicalEntry(e.kind, e.text)).equals(
            Buffer.from(encodeEntry(e.kind, reference[k]!.record)),
          ),
        ).toBe(true);
        // Kept only in their rows: all but the case openings, whose bytes the log keeps.
        expect(e.inRow ?? false).toBe(e.kind !== 'case-event');
        checked++;
      });
    }
    expect(checked).toBeGreaterThan(800);
  });

  it('stores documents that read back as the record', () => {
    const o = { b: 1, a: [1, 'x', { d: undefined, c: null }], e: 'é' };
    expect(JSON.parse(canonicalStoredJson(o))).toEqual(asStored(o));
    expect(canonicalStoredJson(o)).toBe('{"a":[1,"x",{"c":null}],"b":1,"e":"é"}');
  });
});
