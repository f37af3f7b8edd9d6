import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { examplesByCode, renderPages } from '../../../scripts/gen-diagnostic-docs.js';
import { catalogue, definition, fillTemplate } from './catalogue.js';
import { phases } from './definition.js';

describe('diagnostic catalogue', () => {
  it('keeps every code inside its phase range, unique, with message and help', () => {
    const codes = new Set<string>();
    for (const d of catalogue) {
      expect(d.code).toMatch(/^G\d{4}$/);
      expect(codes.has(d.code)).toBe(false);
      codes.add(d.code);
      const n = Number(d.code.slice(1));
      expect(n).toBeGreaterThanOrEqual(phases[d.phase].range[0]);
      expect(n).toBeLessThanOrEqual(phases[d.phase].range[1]);
      expect(d.message.length).toBeGreaterThan(5);
      expect(d.help.length).toBeGreaterThan(5);
    }
  });

  it('documents every code in docs/diagnostics, and the pages are current (`npm run docs`)', () => {
    const pages = renderPages();
    for (const d of catalogue) {
      const file = join('docs', 'diagnostics', `${d.code}.md`);
      expect(existsSync(file), `${file} is missing`).toBe(true);
      expect(readFileSync(file, 'utf8'), `${file} is stale; run npm run docs`).toBe(pages.get(d.code));
    }
    expect(readFileSync(join('docs', 'diagnostics', 'README.md'), 'utf8')).toBe(pages.get('README'));
  });

  it('has a golden fixture producing every code', () => {
    const seen = examplesByCode();
    const missing = catalogue.filter((d) => !seen.has(d.code)).map((d) => `${d.code} ${d.name}`);
    expect(missing).toEqual([]);
  });

  it('fills templates and finds entries by code or name', () => {
    expect(definition('unknown-field').code).toBe('G1100');
    expect(definition('G1100').name).toBe('unknown-field');
    expect(fillTemplate('`{a}` and {b}', { a: 'x', b: 2 })).toBe('`x` and 2');
    expect(() => definition('G9999')).toThrow();
  });
});
