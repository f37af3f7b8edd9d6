// `check --format sarif` validated by the OASIS/Microsoft SARIF multitool (@microsoft/sarif-multitool, a
// self-contained .NET build: no .NET install needed) over the example and every check fixture, so most rules appear.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { docsBase, runCheck } from '../src/cli/check.js';
import { UsageError } from '../src/cli/usage-error.js';

const multitool: string = createRequire(import.meta.url)('@microsoft/sarif-multitool');
const files = [
  'examples/ukraine-2026.yaml',
  ...readdirSync('test/fixtures/check')
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => `test/fixtures/check/${f}`),
];

let out = '';
beforeEach(() => {
  out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
});
afterEach(() => vi.restoreAllMocks());

interface SarifLog {
  runs: {
    tool: { driver: { rules: { id: string; helpUri: string }[] } };
    results: { ruleId: string; level: string; message: { text: string } }[];
  }[];
}

/** The multitool's own findings on a SARIF file (it exits 0 whatever it finds, so its output log is read). */
function validate(sarif: string): SarifLog['runs'][number]['results'] {
  const dir = mkdtempSync(join(tmpdir(), 'guarantor-sarif-'));
  writeFileSync(join(dir, 'check.sarif'), sarif);
  execFileSync(multitool, ['validate', join(dir, 'check.sarif'), '-o', join(dir, 'validation.sarif'), '--quiet'], {
    timeout: 60_000,
  });
  return (JSON.parse(readFileSync(join(dir, 'validation.sarif'), 'utf8')) as SarifLog).runs[0]!.results;
}

describe('guarantor check --format sarif', () => {
  it('passes the SARIF multitool with no error, every helpUri absolute and naming the rule page', async () => {
    await runCheck(files, 'sarif', false);
    const log = JSON.parse(out) as SarifLog;
    const rules = log.runs[0]!.tool.driver.rules;
    expect(rules.length).toBeGreaterThan(20);
    for (const r of rules) {
      expect(r.helpUri).toMatch(/^file:\/\//);
      expect(existsSync(fileURLToPath(r.helpUri)), r.helpUri).toBe(true);
      expect(r.helpUri.endsWith(`/docs/diagnostics/${r.id}.md`)).toBe(true);
    }
    const errors = validate(out).filter((r) => r.level === 'error');
    expect(errors.map((e) => `${e.ruleId}: ${e.message.text}`)).toEqual([]);
  }, 120_000);

  it('uses --docs-url (or GUARANTOR_DOCS_URL) as the base, and refuses a relative one', async () => {
    await runCheck(['test/fixtures/check/bad-units.yaml'], 'sarif', false, 'https://docs.example.org/guarantor/diag');
    const rules = (JSON.parse(out) as SarifLog).runs[0]!.tool.driver.rules;
    expect(rules.length).toBeGreaterThan(0);
    for (const r of rules) expect(r.helpUri).toBe(`https://docs.example.org/guarantor/diag/${r.id}.md`);
    expect(() => docsBase('docs/diagnostics/')).toThrow(UsageError);
    expect(() => docsBase('docs/diagnostics/')).toThrow(/--docs-url must be an absolute URL/);
  });

  it('finds a relative helpUri an error (the validator is not blind)', () => {
    const bad = {
      version: '2.1.0',
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      runs: [
        {
          tool: { driver: { name: 'guarantor', rules: [{ id: 'G1104', helpUri: 'docs/diagnostics/G1104.md' }] } },
          results: [],
        },
      ],
    };
    const errors = validate(JSON.stringify(bad)).filter((r) => r.level === 'error');
    expect(errors.map((e) => e.ruleId)).toContain('SARIF1005');
  }, 60_000);
});
