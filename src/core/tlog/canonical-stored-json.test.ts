import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalStoredJson, inCanonicalOrder } from './canonical-json.js';
import { encodeEntry } from './entry.js';

/** What canonicalStoredJson promises to equal: the canonical JSON of the value's JSON round trip, or its error. */
function roundTrip(value: unknown): { ok: string } | { error: string } {
  try {
    return { ok: canonicalJson(JSON.parse(JSON.stringify(value)) as unknown) };
  } catch (e) {
    return { error: (e as Error).constructor.name };
  }
}

function fast(value: unknown): { ok: string } | { error: string } {
  try {
    return { ok: canonicalStoredJson(value) };
  } catch (e) {
    return { error: (e as Error).constructor.name };
  }
}

describe('canonicalStoredJson', () => {
  it('drops undefined members, writes undefined elements and non-finite numbers as null, as the round trip does', () => {
    const v = { b: undefined, a: [1, undefined, NaN, Infinity, () => 1], c: { z: -0, y: 'x', f: () => 1 }, d: null };
    expect(canonicalStoredJson(v)).toBe('{"a":[1,null,null,null,null],"c":{"y":"x","z":0},"d":null}');
    expect(canonicalStoredJson(v)).toBe(canonicalJson(JSON.parse(JSON.stringify(v))));
    // The strict form refuses the same value: the stored form is only for records a JSON store keeps.
    expect(() => canonicalJson(v)).toThrow(/undefined is not a JSON value/);
  });

  it('handles holes, toJSON, class instances and boxed values by the round trip', () => {
    const holes: unknown[] = [1];
    holes[3] = 2;
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    const cases: unknown[] = [
      { holes },
      { at: new Date(0) },
      { p: new Point(1, 2) },
      { n: Object(3) as unknown, s: Object('s') as unknown },
      { j: { toJSON: () => ({ b: 1, a: 2 }) } },
      { first: undefined },
      {},
    ];
    for (const c of cases) expect(fast(c)).toEqual(roundTrip(c));
  });

  it('throws where the round trip throws: cycles, bigints, lone surrogates', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic['self'] = cyclic;
    expect(() => canonicalStoredJson(cyclic)).toThrow(TypeError);
    expect(() => canonicalStoredJson({ n: 1n })).toThrow(TypeError);
    expect(() => canonicalStoredJson({ s: '\uD800' })).toThrow(/lone UTF-16 surrogate/);
  });

  it('equals the canonical JSON of the JSON round trip for arbitrary values (property)', () => {
    const value = fc.anything({
      withBoxedValues: true,
      withNullPrototype: true,
      withSparseArray: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withObjectString: true,
      maxDepth: 5,
    });
    fc.assert(
      fc.property(value, (v) => {
        expect(fast(v)).toEqual(roundTrip(v));
      }),
      { numRuns: 2000 },
    );
  });

  it('takes the native serialiser for values built in canonical key order, with the same result (property)', () => {
    // Plain objects rebuilt with their keys in code-unit order, the way the pipeline builds its records.
    const ordered = (x: unknown, seen = new Set<unknown>()): unknown => {
      if (x === null || typeof x !== 'object' || seen.has(x)) return x;
      seen.add(x);
      if (Array.isArray(x)) return x.map((e) => ordered(e, seen));
      const proto: unknown = Object.getPrototypeOf(x);
      if (proto !== Object.prototype && proto !== null) return x;
      const out: Record<string, unknown> = proto === null ? Object.create(null) : {};
      for (const k of Object.keys(x).sort()) out[k] = ordered((x as Record<string, unknown>)[k], seen);
      return out;
    };
    const value = fc.anything({
      withBoxedValues: true,
      withNullPrototype: true,
      withSparseArray: true,
      withDate: true,
      maxDepth: 5,
    });
    let native = 0;
    fc.assert(
      fc.property(value, (v) => {
        const o = ordered(v);
        if (o !== null && typeof o === 'object' && inCanonicalOrder(o)) native++;
        expect(fast(o)).toEqual(roundTrip(o));
      }),
      { numRuns: 3000 },
    );
    expect(native).toBeGreaterThan(100); // the shortcut was taken (300-700 times in 3,000 runs), not only the careful path
  });

  it('refuses the shortcut where JSON.stringify would write another order or another text', () => {
    expect(inCanonicalOrder({ a: 1, b: { c: 2, d: [{ e: null }] } })).toBe(true);
    expect(inCanonicalOrder({ b: 1, a: 2 })).toBe(false);
    expect(inCanonicalOrder({ a: { d: 1, c: 2 } })).toBe(false);
    expect(inCanonicalOrder({ 2: 'x', 10: 'y' })).toBe(false); // integer keys come first, in numeric order
    expect(canonicalStoredJson({ 2: 'x', 10: 'y' })).toBe('{"10":"y","2":"x"}');
    expect(inCanonicalOrder({ a: '\ud800' })).toBe(false);
    expect(inCanonicalOrder({ a: new Date(0) })).toBe(false);
    expect(inCanonicalOrder({ a: 1n })).toBe(false);
    expect(inCanonicalOrder({ a: undefined, b: [undefined, NaN, -0] })).toBe(true);
    expect(canonicalStoredJson({ a: undefined, b: [undefined, NaN, -0] })).toBe('{"b":[null,null,0]}');
  });

  it('gives the same entry bytes as the round-tripped record', () => {
    const record = { seq: 7, observation: { id: 'x', note: undefined, where: { lon: 30.5, lat: 50.4 } } };
    const viaRoundTrip = encodeEntry('observation', JSON.parse(JSON.stringify(record)) as object);
    expect(Buffer.from(encodeEntry('observation', record, true)).equals(Buffer.from(viaRoundTrip))).toBe(true);
    expect(() => encodeEntry('observation', record)).toThrow(/observation\.note: undefined/);
  });

  it('canonicalJson agrees with an independent reference on JSON values (property)', () => {
    // Reference: keys sorted by code units, written out by hand (an object would put integer-like keys first).
    const reference = (x: unknown): string =>
      Array.isArray(x)
        ? `[${x.map(reference).join(',')}]`
        : x !== null && typeof x === 'object'
          ? `{${Object.keys(x)
              .sort()
              .map((k) => `${JSON.stringify(k)}:${reference((x as Record<string, unknown>)[k])}`)
              .join(',')}}`
          : JSON.stringify(x);
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        expect(canonicalJson(v)).toBe(reference(v));
        expect(canonicalStoredJson(v)).toBe(reference(v));
      }),
      { numRuns: 2000 },
    );
  });

  it('writes strings as JSON.stringify does, on the plain-ASCII shortcut and off it', () => {
    const strings = [
      '',
      'plain text 123',
      'a"b',
      'a\\b',
      'tab\there',
      '\u0000\u001f',
      '\u007f',
      'é',
      'Київ',
      '😀',
      '</script>',
      '\u2028',
    ];
    for (const x of strings) {
      expect(canonicalJson(x)).toBe(JSON.stringify(x));
      expect(canonicalStoredJson({ [x]: x })).toBe(`{${JSON.stringify(x)}:${JSON.stringify(x)}}`);
    }
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii' }), (x) => {
        expect(canonicalJson(x)).toBe(JSON.stringify(x));
      }),
      { numRuns: 2000 },
    );
  });
});
