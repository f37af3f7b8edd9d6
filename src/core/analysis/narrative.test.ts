import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { geometryReaderAt as geometryReaderFor } from '../../../test/support/package-file.js';
import { loadPackage } from '../spec/load.js';
import { analyse } from './analyse.js';
import { renderHtml } from './explain-html.js';
import { monthTwelve, renderMarkdown, renderText, triggerStory } from './narrative.js';

const file = 'examples/ukraine-2026.yaml';
const loaded = loadPackage(readFileSync(file, 'utf8'), { file, readGeometry: geometryReaderFor(file) });
const a = analyse(loaded)!;
const m = loaded.model!;

describe('narrative', () => {
  it('tells day one of the armed-attack trigger in order, T+0h first', () => {
    const s = triggerStory(
      m,
      a.timeline.find((t) => t.trigger === 'armed-attack')!,
    );
    const worst = s.moments.map((x) => x.at.worst);
    expect([...worst].sort((x, y) => x - y)).toEqual(worst);
    expect(s.moments[0]!.text).toBe(
      'A violator begins: ground-advance across `contact-line` (prohibition `no-advance`).',
    );
    expect(s.moments.filter((x) => x.first).map((x) => x.text)).toEqual([
      'US: intelligence-support due (24 hours after the declaration, automatic).',
    ]);
    expect(s.summary).toContain('is due at T+90.6h at worst (T+36.6h at best)');
    expect(s.summary).toContain('advanced 18.9 km (7.6 km at best)');
  });
  it('reads aloud as T+ lines in the text output, with the assumptions named', () => {
    const text = renderText(m, a);
    expect(text).toContain('  T+0h       A violator begins: ground-advance across contact-line');
    expect(text).toContain('  T+66.6h    Special Commission of the guarantors must decide within 48 hours');
    expect(text).toContain('advance rate: 5 km/day');
    expect(text).toContain('national decision: 72 hours');
  });
  it('lists coverage month by month, with the part at risk after an election', () => {
    const text = renderText(m, a);
    expect(text).toMatch(/^ {2}2027-05 +0% +60% \(10% at risk\)$/m);
    expect(text.match(/^ {2}20\d\d-\d\d /gm)).toHaveLength(36);
  });
  it('shows month twelve of the horizon', () => {
    const mt = monthTwelve(a.sustainment);
    expect(mt.month).toBe('2027-05');
    expect(
      mt.lines.some((l) =>
        l.startsWith('`financing`: 24.04bn EUR a year committed against 40bn EUR a year required (60% covered'),
      ),
    ).toBe(true);
  });
  it('writes Markdown and a self-contained HTML page with an SVG chart', () => {
    expect(renderMarkdown(m, a)).toContain('| worst case | best case | what happens |');
    const html = renderHtml(m, a);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    expect(html.match(/<polyline /g)!.length).toBe(4);
    expect(html).not.toMatch(/(src|href)="http/);
  });
});
