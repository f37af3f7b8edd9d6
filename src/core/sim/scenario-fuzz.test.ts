// Nothing in a scenario file may crash the loader or the simulator: random YAML values and mutations of the example
// scenarios end in located diagnostics, or in a scenario that runs.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadPackageAt as loadPackageFile } from '../../../test/support/package-file.js';
import { hasErrors } from '../diagnostics/diagnostic.js';
import { runExperiment } from './experiment.js';
import { loadScenario } from './scenario.js';

const example = loadPackageFile(join('examples', 'ukraine-2026.yaml'));
const scenarios = readdirSync(join('examples', 'scenarios'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => readFileSync(join('examples', 'scenarios', f), 'utf8'));

function check(text: string): void {
  const r = loadScenario(text, example.model!, {
    file: 'fuzz.yaml',
    packageFile: example.file,
    packageSource: example.source,
  });
  for (const d of r.diagnostics) {
    expect(d.code).toMatch(/^G30\d\d$/);
    expect(d.span.start.line).toBeGreaterThanOrEqual(1);
    expect(d.span.start.column).toBeGreaterThanOrEqual(1);
    expect(d.message).not.toMatch(/\{[a-z]+\}/i); // every template argument filled
  }
  expect(r.scenario === undefined).toBe(hasErrors(r.diagnostics));
  if (r.scenario) {
    // A scenario that loads must run: a few short runs of each strategy.
    const s = r.scenario;
    runExperiment({
      pkg: example.model!,
      adversary: s.adversary,
      params: s.params,
      strategies: s.strategies,
      seed: s.seed,
      runs: 2,
      sensitivityRuns: 0,
    });
  }
}

const value = fc.letrec((tie) => ({
  any: fc.oneof(
    { depthSize: 'small' },
    fc.string({ maxLength: 12 }),
    fc.integer(),
    fc.double({ noNaN: true }),
    fc.boolean(),
    fc.constant(null),
    tie('list'),
    tie('map'),
  ),
  list: fc.array(tie('any'), { maxLength: 3 }),
  map: fc.dictionary(
    fc.constantFrom('strategy', 'month', 'runs', 'seed', 'model', 'embolden', 'collapse-depth', 'items', 'x'),
    tie('any'),
    { maxKeys: 3 },
  ),
}));

const keys = ['scenario', 'adversary', 'runs', 'seed', 'strategies', 'model', 'sensitivity', 'junk'] as const;

describe('scenario loader under hostile input', () => {
  it('survives random top-level values', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...keys), value.any, { maxKeys: 5 }), (doc) => {
        const d = { ...doc } as Record<string, unknown>;
        if (typeof d['runs'] === 'number') d['runs'] = 2; // keep any run count the file asks for small
        check(stringify(d));
      }),
      { numRuns: 300, seed: 8 },
    );
  });

  it('survives mutations of the example scenarios', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...scenarios),
        fc.nat(),
        fc.constantFrom(':', '-', '[', ']', '{', '}', ' ', '"', '&', '*', '#', 'x', '0', '\n'),
        (text, at, ch) => {
          const i = at % Math.max(1, text.length);
          check(text.slice(0, i) + ch + text.slice(i + 1));
        },
      ),
      { numRuns: 300, seed: 9 },
    );
  });
});
