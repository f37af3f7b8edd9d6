// Golden fixtures for scenario files: each test/fixtures/scenario/NAME.yaml, loaded against the example package (or
// NAME.package.yaml beside it), reports exactly the diagnostics in NAME.expected.json.
// `UPDATE_GOLDEN=1 npx vitest run src/core/sim/scenario.test.ts` rewrites them; review the diff.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPackageAt as loadPackageFile } from '../../../test/support/package-file.js';
import { DAY } from '../spec/units.js';
import { defaultParams } from './params.js';
import { loadScenario } from './scenario.js';

const dir = join('test', 'fixtures', 'scenario');
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml') && !f.endsWith('.package.yaml'))
  .sort();
const example = loadPackageFile(join('examples', 'ukraine-2026.yaml'));

function load(name: string) {
  const pkgFile = join(dir, name.replace(/\.yaml$/, '.package.yaml'));
  const pkg = existsSync(pkgFile) ? loadPackageFile(pkgFile) : example;
  if (!pkg.model) throw new Error(`fixture package ${pkg.file} does not load`);
  return loadScenario(readFileSync(join(dir, name), 'utf8'), pkg.model, {
    file: name,
    packageFile: pkg.file,
    packageSource: pkg.source,
  });
}

describe('scenario files', () => {
  for (const name of names) {
    it(name, () => {
      const actual = load(name).diagnostics.map((d) => ({
        code: d.code,
        line: d.span.start.line,
        column: d.span.start.column,
        endLine: d.span.end.line,
        endColumn: d.span.end.column,
        message: d.message,
      }));
      const expectedFile = join(dir, name.replace(/\.yaml$/, '.expected.json'));
      if (process.env['UPDATE_GOLDEN'] || !existsSync(expectedFile))
        writeFileSync(expectedFile, JSON.stringify(actual, null, 2) + '\n');
      expect(actual).toEqual(JSON.parse(readFileSync(expectedFile, 'utf8')));
    });
  }

  it('turns a valid file into a scenario with units converted and package assumptions kept', () => {
    const r = load('valid.yaml');
    expect(r.diagnostics).toEqual([]);
    const s = r.scenario!;
    expect(s.adversary).toBe('RU');
    expect(s.runs).toBe(2000);
    expect(s.seed).toBe(7);
    expect(s.strategies.map((c) => c.name)).toEqual(['compliant', 'salami', 'surge', 'blind-then-strike']);
    expect((s.strategies[3]!.options as Record<string, number>)['blind-days']).toBe(10 * DAY);
    expect(s.params['collapse-depth']).toBeCloseTo(15);
    expect(s.params['advance-rate']).toBeCloseTo(4);
    expect(s.params['impunity-window']).toBeCloseTo(21);
    expect(s.params['national-decision']).toBeCloseTo(3); // the package's 72h
    expect(s.params.blindable).toEqual(['uav', 'patrol']);
    expect(s.params.deter).toBe(defaultParams().deter);
    expect(s.sensitivityRuns).toBe(300);
    expect(s.sensitivityItems).toEqual(['judgment.deadline', 'triggers.count']);
  });

  it('defaults to every strategy against the first party when there is no file', () => {
    const r = loadScenario(undefined, example.model!, { file: 'x', packageFile: 'x' });
    expect(r.diagnostics).toEqual([]);
    expect(r.scenario!.adversary).toBe('RU');
    expect(r.scenario!.strategies.map((c) => c.name)).toEqual([
      'compliant',
      'salami',
      'probe-and-escalate',
      'surge',
      'blind-then-strike',
      'deniable',
    ]);
  });
});

describe('example scenarios', () => {
  const exampleDir = join('examples', 'scenarios');
  for (const name of readdirSync(exampleDir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    it(`${name} loads against the example package without findings`, () => {
      const r = loadScenario(readFileSync(join(exampleDir, name), 'utf8'), example.model!, {
        file: name,
        packageFile: example.file,
      });
      expect(r.diagnostics).toEqual([]);
      expect(r.scenario!.strategies.length).toBeGreaterThan(0);
    });
  }
});
