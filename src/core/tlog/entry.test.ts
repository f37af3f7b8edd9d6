import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ENTRY_VERSION,
  canonicalEntryLeafHash,
  decodeEntry,
  encodeCanonicalEntry,
  encodeEntry,
  entryKinds,
  entryLeafHash,
} from './entry.js';
import { hashLeaf } from './hash.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

describe('log entries, guarantor-entry/1', () => {
  const vote = { case: 'case-17', member: 'FR', vote: 'breach', at: '2026-11-26T05:00:00Z', weight: 1 };

  it('frames version, kind and canonical JSON', () => {
    expect(text(encodeEntry('vote', vote))).toBe(
      `${ENTRY_VERSION}\nvote\n{"at":"2026-11-26T05:00:00Z","case":"case-17","member":"FR","vote":"breach","weight":1}`,
    );
  });

  it('gives the same bytes and leaf hash whatever the key order', () => {
    const reordered = { weight: 1, vote: 'breach', member: 'FR', case: 'case-17', at: '2026-11-26T05:00:00Z' };
    expect(hex(encodeEntry('vote', reordered))).toBe(hex(encodeEntry('vote', vote)));
    expect(hex(entryLeafHash('vote', reordered))).toBe(hex(hashLeaf(encodeEntry('vote', vote))));
  });

  it('pins the leaf hash of a known record, so an encoding change cannot slip in unnoticed', () => {
    expect(hex(entryLeafHash('vote', vote))).toBe(
      hex(
        hashLeaf(
          new TextEncoder().encode(
            'guarantor-entry/1\nvote\n{"at":"2026-11-26T05:00:00Z","case":"case-17","member":"FR","vote":"breach","weight":1}',
          ),
        ),
      ),
    );
    // SHA-256(0x00 || 'guarantor-entry/1\nobservation\n{"count":3,"id":"o1"}'), computed outside this code base.
    expect(hex(entryLeafHash('observation', { id: 'o1', count: 3 }))).toBe(
      'd3fcd51dd4a1b31a92cd43583640f2a8141f55d8c8b8b9585bcc77192b0f28b1',
    );
  });

  it('hashes an entry from its canonical text as hashLeaf of its bytes, for any text and length', () => {
    const long = 'é'.repeat(9000); // past the reused buffer: UTF-8 longer than the scratch limit
    for (const t of ['{}', '{"a":"\u00e9\u2603\ud83d\ude00"}', `{"note":"${long}"}`, `{"x":"${'a'.repeat(5000)}"}`]) {
      expect(hex(canonicalEntryLeafHash('violation', t))).toBe(hex(hashLeaf(encodeCanonicalEntry('violation', t))));
    }
    fc.assert(
      fc.property(fc.constantFrom(...entryKinds), fc.string({ unit: 'grapheme', maxLength: 3000 }), (kind, t) => {
        expect(hex(canonicalEntryLeafHash(kind, t))).toBe(hex(hashLeaf(encodeCanonicalEntry(kind, t))));
      }),
      { numRuns: 500 },
    );
    expect(() => canonicalEntryLeafHash('nope' as never, '{}')).toThrow(/not an entry kind/);
  });

  it('separates kinds: the same record as two kinds is two leaves', () => {
    expect(hex(entryLeafHash('pledge', { id: 1 }))).not.toBe(hex(entryLeafHash('delivery', { id: 1 })));
  });

  it('refuses unknown kinds and records that are not JSON objects', () => {
    expect(() => encodeEntry('gossip' as never, {})).toThrowError(/"gossip" is not an entry kind/);
    expect(() => encodeEntry('vote', [] as never)).toThrowError(/a record is a JSON object/);
    expect(() => encodeEntry('vote', { n: NaN })).toThrowError(/\$\.n: NaN/);
  });

  it('decodes what it encodes, for every kind', () => {
    for (const kind of entryKinds) {
      const r = decodeEntry(encodeEntry(kind, { kind, n: [1, 2.5, 'x'] }));
      expect(r.ok && r.entry).toEqual({ version: 1, kind, record: { kind, n: [1, 2.5, 'x'] } });
    }
  });

  it('refuses hostile or non-canonical leaf bytes without throwing', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    const code = (b: Uint8Array) => {
      const r = decodeEntry(b);
      return r.ok ? 'ok' : r.error.code;
    };
    expect(code(new Uint8Array([0xff, 0xfe]))).toBe('entry-encoding');
    expect(code(enc('guarantor-entry/1\nvote'))).toBe('entry-encoding');
    expect(code(enc('guarantor-entry/2\nvote\n{}'))).toBe('entry-encoding');
    expect(code(enc('guarantor-entry/1\ngossip\n{}'))).toBe('entry-kind');
    expect(code(enc('guarantor-entry/1\nvote\n{"a":'))).toBe('entry-encoding');
    expect(code(enc('guarantor-entry/1\nvote\n[1]'))).toBe('entry-value');
    expect(code(enc('guarantor-entry/1\nvote\n{"b":1,"a":2}'))).toBe('entry-encoding');
    expect(code(enc('guarantor-entry/1\nvote\n{"a": 2}'))).toBe('entry-encoding');
    expect(code(enc('guarantor-entry/1\nvote\n{"a":1.0}'))).toBe('entry-encoding');
    expect(code(enc('guarantor-entry/1\nvote\n{"a":2}\n'))).toBe('entry-encoding');
    expect(code(enc('guarantor-entry/1\nvote\n{"a":2}'))).toBe('ok');
  });
});
