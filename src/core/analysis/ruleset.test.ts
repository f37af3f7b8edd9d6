// One rule = one file = one test = one doc page, all of the same name (the typescript-eslint convention).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { definition } from '../diagnostics/catalogue.js';
import { rules } from './ruleset.js';

describe('rule set', () => {
  it('has unique rule names and codes', () => {
    expect(new Set(rules.map((r) => r.name)).size).toBe(rules.length);
    const codes = rules.flatMap((r) => r.codes);
    expect(new Set(codes).size).toBe(codes.length);
  });
  for (const r of rules) {
    it(`${r.name}: source, test and doc page of the same name; the page documents its codes`, () => {
      expect(existsSync(`src/core/analysis/rules/${r.name}.ts`)).toBe(true);
      expect(existsSync(`src/core/analysis/rules/${r.name}.test.ts`)).toBe(true);
      const page = readFileSync(`docs/rules/${r.name}.md`, 'utf8');
      for (const c of r.codes)
        expect(page).toContain(`[${definition(c).code}](../diagnostics/${definition(c).code}.md)`);
      expect(readFileSync('docs/rules/README.md', 'utf8')).toContain(`[${r.name}](${r.name}.md)`);
    });
  }
  it('lists every rule file', () => {
    const files = readdirSync('src/core/analysis/rules')
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => f.slice(0, -3))
      .sort();
    expect(files).toEqual(rules.map((r) => r.name).sort());
  });
});
