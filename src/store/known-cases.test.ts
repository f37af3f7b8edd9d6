import { describe, expect, it } from 'vitest';
import type { CaseOpening } from '../core/ops/index.js';
import { KnownCases } from './known-cases.js';

const opening = (key: string, revision: number): CaseOpening => ({
  id: `case-${key}`,
  key,
  trigger: 't',
  severity: 'high',
  party: 'p',
  windowStart: 0,
  windowEnd: 10,
  breachAt: 5,
  openedAt: 6,
  evidence: [],
  revision,
});

describe('KnownCases', () => {
  it('answers the latest written case of a key, a known absence as null, and nothing for an unknown key', () => {
    const known = new KnownCases();
    known.learn('a', null);
    known.written([opening('b', 1), opening('b', 2)]);
    expect(known.get('a')).toBeNull();
    expect(known.get('b')?.revision).toBe(2);
    expect(known.get('c')).toBeUndefined();
    known.written([opening('a', 1)]); // opened since it was read as absent
    expect(known.get('a')?.revision).toBe(1);
    known.reset();
    expect(known.get('b')).toBeUndefined();
  });

  it('keeps the keys used last within its limit', () => {
    const known = new KnownCases(2);
    known.written([opening('a', 1), opening('b', 1)]);
    known.get('a'); // used: b is now the oldest
    known.learn('c', null);
    expect(known.get('b')).toBeUndefined();
    expect(known.get('a')?.revision).toBe(1);
    expect(known.get('c')).toBeNull();
  });
});
