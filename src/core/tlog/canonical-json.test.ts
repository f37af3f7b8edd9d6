import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_DEPTH, canonicalJson } from './canonical-json.js';

describe('canonical JSON (RFC 8785)', () => {
  it('serialises the example of RFC 8785 §3.2.2', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    );
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts keys by UTF-16 code units as in RFC 8785 §3.2.3', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    const keys = Object.keys(JSON.parse(canonicalJson(input)) as object);
    // JSON.parse puts the integer-like key first again; compare the serialised order instead.
    expect(keys).toHaveLength(7);
    const order = ['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33'];
    expect(canonicalJson(input)).toBe(
      `{${order.map((k) => `${JSON.stringify(k)}:${JSON.stringify((input as Record<string, string>)[k])}`).join(',')}}`,
    );
  });

  it('writes numbers in shortest round-trip form (RFC 8785 Appendix B)', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [-0, '0'],
      [5e-324, '5e-324'],
      [1.7976931348623157e308, '1.7976931348623157e+308'],
      [9007199254740992, '9007199254740992'],
      [295147905179352830000, '295147905179352830000'],
      [1e21, '1e+21'],
      [1e-7, '1e-7'],
      [0.000001, '0.000001'],
      [333333333.3333333, '333333333.3333333'],
      [-1.5, '-1.5'],
    ];
    for (const [n, s] of cases) expect(canonicalJson(n), String(n)).toBe(s);
  });

  it('gives the same text whatever the key order, at any depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe(
      canonicalJson({ a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 }),
    );
    expect(canonicalJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
  });

  it('agrees with JSON.parse: parse(canonical(v)) re-serialises to the same text', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = canonicalJson(v);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses what JSON cannot say, naming the path', () => {
    const refused = (v: unknown): string => {
      try {
        canonicalJson(v);
        return 'accepted';
      } catch (e) {
        return `${(e as { code: string }).code} ${(e as Error).message}`;
      }
    };
    expect(refused({ a: NaN })).toBe('entry-value $.a: NaN is not a JSON number');
    expect(refused({ a: [1, Infinity] })).toBe('entry-value $.a[1]: Infinity is not a JSON number');
    expect(refused({ a: { 'b c': -Infinity } })).toBe('entry-value $.a["b c"]: -Infinity is not a JSON number');
    expect(refused({ a: undefined })).toMatch(/\$\.a: undefined is not a JSON value/);
    expect(refused({ f: () => 1 })).toMatch(/\$\.f: function is not a JSON value/);
    expect(refused({ n: 1n })).toMatch(/\$\.n: bigint is not a JSON value/);
    expect(refused({ s: Symbol('x') })).toMatch(/symbol is not a JSON value/);
    expect(refused({ d: new Date(0) })).toMatch(/\$\.d: a Date object is not plain JSON data/);
    expect(refused({ m: new Map() })).toMatch(/a Map object/);
    expect(refused({ s: 'a\ud800b' })).toMatch(/\$\.s: .*lone UTF-16 surrogate/);
    expect(refused({ ['\udc00']: 1 })).toMatch(/lone UTF-16 surrogate/);
    expect(refused([1, , 3])).toMatch(/\$\[1\]: a hole/);
    expect(refused({ [Symbol('k')]: 1 })).toMatch(/symbol keys/);
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = { back: cyclic };
    expect(refused(cyclic)).toMatch(/\$\.self\.back: .*cycle/);
    let deep: unknown = 1;
    for (let i = 0; i <= MAX_DEPTH; i++) deep = [deep];
    expect(refused(deep)).toMatch(/deeper than 64/);
  });

  it('accepts shared (non-cyclic) references and null-prototype objects', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
    const bare = Object.create(null) as Record<string, number>;
    bare.z = 1;
    expect(canonicalJson(bare)).toBe('{"z":1}');
    expect(canonicalJson({ ['__proto__']: 1 })).toBe('{"__proto__":1}');
    expect(canonicalJson(JSON.parse('{"__proto__": 1}'))).toBe('{"__proto__":1}');
  });
});
