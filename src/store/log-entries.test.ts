import { describe, expect, it } from 'vitest';
import { MemoryOpsReader } from '../core/ops/memory-reader.js';
import { parseObservationBatch } from '../core/ops/observation.js';
import type { StoredObservation } from '../core/ports/store.js';
import { encodeCanonicalEntry, encodeEntry } from '../core/tlog/entry.js';
import { operationsFor } from '../server/operations.js';
import { examplePackage } from '../../test/support/app.js';
import { traffic } from '../../test/support/observations.js';
import { asStored, docText, ingestEntries, ingestTextEntries } from './log-entries.js';

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
      const docs = parsed.observations.map((o) => docText(o));
      const fresh: StoredObservation[] = parsed.observations.map((o) => ({ ...o, seq: seq++, receivedAt: now + i, submittedBy: i ? 'key-1' : 'clé "ü"' }));
      const out = await ops.process(fresh, reader);
      reader.apply({ ...out, duplicates: 0 });
      const entries = ingestEntries(fresh, out, docs);
      expect(entries.length).toBe(fresh.length + out.incidentRevisions.length + out.violations.length + out.caseOpenings.length);
      for (const e of entries) {
        expect(e.text).toBeDefined();
        // The reference: the record as the store reads it back, serialised from scratch.
        expect(Buffer.from(encodeCanonicalEntry(e.kind, e.text!)).equals(Buffer.from(encodeEntry(e.kind, asStored(e.record))))).toBe(true);
        checked++;
      }
      // The text-only entries (the SQLite ingest's) are the same entries.
      expect(ingestTextEntries(fresh, out, docs)).toEqual(entries.map((e) => ({ kind: e.kind, recordId: e.recordId, text: e.text, ...(e.inRow ? { inRow: true } : {}) })));
    }
    expect(checked).toBeGreaterThan(800);
  });

  it('stores documents that read back as the record', () => {
    const o = { b: 1, a: [1, 'x', { d: undefined, c: null }], e: 'é' };
    expect(JSON.parse(docText(o))).toEqual(asStored(o));
    expect(docText(o)).toBe('{"a":[1,"x",{"c":null}],"b":1,"e":"é"}');
    expect(docText(o)).toBe(docText(o));
  });
});
