import { describe, expect, it } from 'vitest';
import { samplePackage } from './sample.js';
import { sustainment } from './sustainment.js';
import { sustainmentSvg } from './sustainment-chart.js';

describe('sustainment chart', () => {
  it('draws two lines per requirement (with and without commitments at risk) and marks elections', () => {
    const svg = sustainmentSvg(
      sustainment(
        samplePackage([
          { set: ['actors', 'G1', 'elections'], to: ['2026-11-03'] },
          { set: ['sustainment', 'commitments', 0, 'form'], to: 'political' },
        ]),
      ),
    );
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg).toContain('G1 election');
  });
  it('escapes what it writes into the SVG', () => {
    const s = sustainment(samplePackage());
    const svg = sustainmentSvg({ ...s, requirements: s.requirements.map((r) => ({ ...r, id: 'a<b&"c' })) });
    expect(svg).toContain('a&lt;b&amp;&quot;c');
    expect(svg).not.toContain('a<b');
  });
  it('says so when nothing is stated', () => {
    expect(sustainmentSvg(sustainment(samplePackage([{ delete: ['sustainment'] }])))).toContain(
      'No requirements or commitments stated',
    );
  });
});
