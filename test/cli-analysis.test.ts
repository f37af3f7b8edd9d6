// The analysis commands end to end through their CLI entry points: check's JSON, explain in every format, compare.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCheck } from '../src/cli/check.js';
import { runCompare } from '../src/cli/compare.js';
import { runExplain } from '../src/cli/explain.js';

let out = '';
let err = '';
beforeEach(() => {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
});
afterEach(() => vi.restoreAllMocks());

const example = 'examples/ukraine-2026.yaml';
const historical = ['budapest-1994', 'korea-1953', 'minsk-ii-2015', 'nato-1949'].map(
  (n) => `examples/historical/${n}.yaml`,
);

describe('guarantor check with the analysis', () => {
  it('keeps exit code 0 for a valid but weak package, and 1 with --strict', async () => {
    expect(await runCheck([example], 'text', false)).toBe(0);
    expect(out).toContain('examples/ukraine-2026.yaml: credibility 52/100');
    expect(await runCheck([example], 'text', true)).toBe(1);
  });
  it('adds scorecard and timeline to the JSON, per package and (for one file) at the top level', async () => {
    await runCheck([example], 'json', false);
    const j = JSON.parse(out);
    expect(Object.keys(j.scorecard.dimensions)).toEqual([
      'trigger',
      'verification',
      'judgment',
      'response',
      'sustainment',
      'control',
    ]);
    expect(j.scorecard.overall).toBe(52);
    expect(j.packages[0].scorecard).toEqual(j.scorecard);
    const armed = j.timeline.find((t: { trigger: string }) => t.trigger === 'armed-attack');
    expect(armed.firstMaterialResponse).toEqual({
      action: 'intelligence-support',
      by: ['US'],
      due: { best: 131760000, worst: 326160000 },
    });
    expect(armed.moments[0].text).toContain('A violator begins');
  });
  it('reports null scorecards for packages that do not load, and no top-level scorecard for several files', async () => {
    expect(await runCheck([example, 'test/fixtures/check/bad-units.yaml'], 'json', false)).toBe(1);
    const j = JSON.parse(out);
    expect(j.scorecard).toBeUndefined();
    expect(j.packages.map((p: { scorecard: unknown }) => p.scorecard === null)).toEqual([false, true]);
  });
});

describe('guarantor explain', () => {
  it('prints a timeline a negotiator can read aloud', () => {
    expect(runExplain(example, 'text')).toBe(0);
    expect(out).toMatch(/T\+0h {7}A violator begins: ground-advance across contact-line/);
    expect(out).toContain('>> US: intelligence-support due');
    expect(out).toContain('Month twelve (2027-05)');
    expect(out).toMatch(/The one change that raises the overall score most: .+ \(52 -> \d+\)\./);
  });
  it('writes HTML with an inline SVG chart, Markdown and JSON', () => {
    runExplain(example, 'html');
    expect(out).toContain('<svg');
    out = '';
    runExplain(example, 'markdown');
    expect(out).toContain('## Day one of a breach');
    out = '';
    runExplain(example, 'json');
    const j = JSON.parse(out);
    expect(j.sustainment.months).toHaveLength(36);
    expect(j.timeline).toHaveLength(4);
    expect(j.bestFix.after).toBeGreaterThan(j.bestFix.before);
  });
  it('refuses a package that does not check, with its errors', () => {
    expect(runExplain('test/fixtures/check/bad-units.yaml', 'text')).toBe(1);
    expect(err).toContain('does not check');
  });
});

describe('guarantor compare', () => {
  it('prints the historical table with a best single fix per package', () => {
    expect(runCompare(historical, 'text')).toBe(0);
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^package\s+overall\s+trig\s+verif\s+judg\s+resp\s+sust\s+ctrl\s+first material response/);
    for (const n of ['budapest-1994', 'korea-1953', 'minsk-ii-2015', 'nato-1949'])
      expect(out).toMatch(new RegExp(`^  ${n}: .+ \\(\\d+ -> \\d+\\)$`, 'm'));
  });
  it('writes JSON with nulls for responses that never come', () => {
    runCompare(historical, 'json');
    const j = JSON.parse(out);
    expect(j.packages.map((p: { package: string }) => p.package)).toEqual([
      'budapest-1994',
      'korea-1953',
      'minsk-ii-2015',
      'nato-1949',
    ]);
    expect(j.packages[0].firstMaterialResponse).toBeNull();
    expect(j.packages[0].bestFix.after).toBeGreaterThan(j.packages[0].bestFix.before);
  });
});
