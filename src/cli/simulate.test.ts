import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resolveParams, type ExperimentSpec } from '../core/sim/experiment.js';
import { strategies } from '../core/sim/strategies/index.js';
import { loadPackageFile } from '../package-files.js';
import { render, runSimulate, simulate } from './simulate.js';

const pkg = loadPackageFile(join('examples', 'ukraine-2026.yaml')).model!;
const spec = (over: Partial<ExperimentSpec> = {}): ExperimentSpec => ({
  pkg,
  adversary: 'RU',
  params: resolveParams(pkg),
  strategies: ['surge', 'deniable', 'probe-and-escalate'].map((n) => ({
    name: n,
    label: n,
    options: strategies[n]!.options.parse({}),
  })),
  seed: 99,
  runs: 600,
  sensitivityRuns: 60,
  sensitivityItems: ['judgment.deadline', 'advance-rate', 'responses.automatic'],
  ...over,
});

describe('guarantor simulate', () => {
  it('gives identical numbers on one worker and on two (the seed alone decides)', async () => {
    const one = await simulate(spec(), 1);
    const two = await simulate(spec(), 2);
    const three = await simulate(spec(), 3);
    expect(JSON.stringify(two)).toBe(JSON.stringify(one));
    expect(JSON.stringify(three)).toBe(JSON.stringify(one));
    expect(one.sensitivity!.rows.map((r) => r.item).sort()).toEqual([
      'advance-rate',
      'judgment.deadline',
      'responses.automatic',
    ]);
  }, 60_000);

  it('puts the seed in every output format, and the HTML is self-contained with three charts', async () => {
    const report = await simulate(spec({ runs: 100, sensitivityRuns: 20 }), 1);
    for (const f of ['text', 'json', 'markdown', 'html'] as const) expect(render(report, f)).toContain('99');
    expect(JSON.parse(render(report, 'json')).seed).toBe(99);
    expect(render(report, 'text')).toMatch(/seed 99/);
    expect(render(report, 'markdown')).toMatch(/seed 99/);
    const html = render(report, 'html');
    expect(html).toMatch(/seed 99/);
    expect(html.match(/<svg /g)?.length).toBe(3);
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
  });

  describe('command', () => {
    let out = '';
    let err = '';
    beforeEach(() => {
      out = '';
      err = '';
      vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
      vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
    });
    afterEach(() => vi.restoreAllMocks());

    it('runs a scenario file and reports JSON', async () => {
      const code = await runSimulate(join('examples', 'ukraine-2026.yaml'), {
        scenario: join('test', 'fixtures', 'scenario', 'valid.yaml'),
        runs: '50',
        workers: '1',
        sensitivityRuns: '0',
        format: 'json',
      });
      expect(code).toBe(0);
      const r = JSON.parse(out);
      expect(r.seed).toBe(7);
      expect(r.runs).toBe(50);
      expect(r.strategies.map((s: { strategy: string }) => s.strategy)).toEqual([
        'compliant',
        'salami',
        'surge',
        'blind-then-strike',
      ]);
      expect(r.params['collapse-depth']).toBeCloseTo(15);
    });

    it('reports a bad scenario with line and column and exits 1', async () => {
      const code = await runSimulate(join('examples', 'ukraine-2026.yaml'), {
        scenario: join('test', 'fixtures', 'scenario', 'unknown-strategy.yaml'),
        format: 'text',
      });
      expect(code).toBe(1);
      expect(err).toMatch(/unknown-strategy\.yaml:2:5/);
      expect(err).toMatch(/G3006/);
      expect(out).toBe('');
    });

    it('rejects bad options as usage errors', async () => {
      await expect(
        runSimulate(join('examples', 'ukraine-2026.yaml'), { runs: 'lots', format: 'text' }),
      ).rejects.toThrow(/--runs/);
      await expect(runSimulate(join('examples', 'ukraine-2026.yaml'), { format: 'pdf' })).rejects.toThrow(
        /unknown format/,
      );
    });
  });
});
