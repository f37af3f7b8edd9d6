// Unstated is not stated: a default standing in for something the package does not say is flagged next to every
// figure it affects, and the tornado moves it.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPackageAt as loadPackageFile } from '../../../test/support/package-file.js';
import { resolveParams, runExperiment, type ExperimentSpec } from './experiment.js';
import { renderText } from './render/text.js';
import { renderMarkdown } from './render/markdown.js';
import { strategies } from './strategies/index.js';
import { unstatedDefaults } from './defaults.js';

const example = loadPackageFile(join('examples', 'ukraine-2026.yaml')).model!;
const korea = loadPackageFile(join('examples', 'historical', 'korea-1953.yaml')).model!;

const spec = (over: Partial<ExperimentSpec>): ExperimentSpec => ({
  pkg: korea,
  adversary: 'KPA',
  params: resolveParams(korea),
  strategies: ['compliant', 'surge'].map((n) => ({ name: n, label: n, options: strategies[n]!.options.parse({}) })),
  seed: 5,
  runs: 300,
  sensitivityRuns: 300,
  sensitivityItems: ['default-within', 'victim-report', 'collapse-depth'],
  ...over,
});

describe('unstated defaults', () => {
  it('lists what the Korean package does not say: response times, its own source, the adversary', () => {
    const ids = unstatedDefaults(korea, resolveParams(korea), 'KPA', false).map((d) => d.id);
    expect(ids).toEqual(['default-within', 'victim-report', 'adversary']);
    // Named by a scenario, the adversary is stated; the example package states its response times.
    expect(unstatedDefaults(korea, resolveParams(korea), 'KPA', true).map((d) => d.id)).not.toContain('adversary');
    expect(unstatedDefaults(example, resolveParams(example), 'RU', true).map((d) => d.id)).not.toContain(
      'default-within',
    );
  });

  it('marks each default next to the figures it affects, and moves it in the tornado', () => {
    const r = runExperiment(spec({ adversaryNamed: false }));
    expect(r.defaults.map((d) => d.id)).toEqual(['default-within', 'victim-report', 'adversary']);
    expect(r.sensitivity!.rows.map((x) => x.item)).toEqual(expect.arrayContaining(['default-within', 'victim-report']));
    const surge = r.strategies.find((s) => s.strategy === 'surge')!;
    const compliant = r.strategies.find((s) => s.strategy === 'compliant')!;
    // The surge's decision weighs the treaty's response, due after the default time: its figures rest on it.
    expect(surge.defaults).toContain('victim-report');
    expect(surge.defaults).toContain('adversary');
    // A compliant adversary launches nothing the stand-in report could see.
    expect(compliant.defaults).not.toContain('victim-report');
    const text = renderText(r);
    expect(text).toContain('[1] Not stated: how long a response may take');
    expect(text).toMatch(/surge \[\d\]\[\d\]/);
    expect(renderMarkdown(r)).toContain('## Defaults standing in for what the package does not say');
  });

  it('marks every strategy when the tornado did not move the default', () => {
    const r = runExperiment(spec({ sensitivityRuns: 0 }));
    for (const s of r.strategies) expect(s.defaults).toEqual(['default-within', 'victim-report']);
  });
});
