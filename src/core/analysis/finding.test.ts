import { describe, expect, it } from 'vitest';
import { catalogue } from '../diagnostics/catalogue.js';
import type { Finding } from './finding.js';
import { rules } from './ruleset.js';

describe('Finding.code', () => {
  it('is typed by the catalogue: the compiler rejects a name the catalogue does not hold', () => {
    const ok: Finding = { code: 'uncovered-prohibition', path: [], args: {} };
    // @ts-expect-error not a catalogue name
    const bad: Finding = { code: 'no-such-finding', path: [], args: {} };
    expect([ok.code, bad.code]).toHaveLength(2);
  });
  it("every rule's codes are catalogue names", () => {
    const names = new Set<string>(catalogue.map((d) => d.name));
    for (const r of rules) for (const c of r.codes) expect(names.has(c)).toBe(true);
  });
});
