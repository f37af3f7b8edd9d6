import { describe, expect, it } from 'vitest';
import { capMaxPoints, capPolygons, simplifyRing } from './cap-area.js';
import { capMsgTypeFor, capSeverity, capTime, capToken, capXml, nextCapMessage, type CapMessage } from './cap.js';

const ctx = {
  sender: 'guarantor@pkg',
  senderName: 'Guarantor: Pkg',
  packageTitle: 'Pkg & <Co>',
  severities: ['minor', 'serious', 'armed-attack'],
};

describe('CAP messages', () => {
  it('writes times as the schema wants them: seconds and +00:00, never Z or fractions', () => {
    expect(capTime(Date.UTC(2026, 5, 1, 12, 30, 45, 999))).toBe('2026-06-01T12:30:45+00:00');
  });

  it('maps severity from the top of the package list', () => {
    expect(ctx.severities.map((s) => capSeverity(s, ctx.severities))).toEqual(['Moderate', 'Severe', 'Extreme']);
    expect(capSeverity('x', ctx.severities)).toBe('Unknown');
    expect(capSeverity('a', ['a', 'b', 'c', 'd', 'e'])).toBe('Minor');
  });

  it('chains Alert, Update on a new phase, Cancel at the end, and nothing after', () => {
    const chain: Pick<CapMessage, 'msgType' | 'phase'>[] = [];
    expect(capMsgTypeFor('dismissed', chain)).toBeUndefined(); // never seen open: nothing to cancel
    expect(capMsgTypeFor('open', chain)).toBe('Alert');
    chain.push({ msgType: 'Alert', phase: 'open' });
    expect(capMsgTypeFor('open', chain)).toBeUndefined();
    expect(capMsgTypeFor('declared', chain)).toBe('Update');
    chain.push({ msgType: 'Update', phase: 'declared' });
    expect(capMsgTypeFor('response', chain)).toBe('Update');
    expect(capMsgTypeFor('resolved', chain)).toBe('Cancel');
    chain.push({ msgType: 'Cancel', phase: 'resolved' });
    expect(capMsgTypeFor('open', chain)).toBeUndefined();
  });

  it('references every earlier message, sends strictly later, and escapes text', () => {
    const c = {
      caseId: 'case-1',
      severity: 'serious',
      phase: 'open' as const,
      areas: [{ areaDesc: 'Donetsk', polygons: [], geocodes: [{ valueName: 'ISO 3166-2', value: 'UA-14' }] }],
    };
    const a = nextCapMessage(ctx, c, [], 1_000_500)!;
    const u = nextCapMessage(ctx, { ...c, phase: 'declared' }, [a], 1_000_700)!;
    expect(u.msgType).toBe('Update');
    expect(u.sent).toBe(1_001_500);
    expect(u.references).toEqual([{ identifier: a.identifier, sender: a.sender, sent: a.sent }]);
    const xml = capXml(u);
    expect(xml).toContain(`<references>guarantor@pkg,${a.identifier},1970-01-01T00:16:40+00:00</references>`);
    expect(xml).toContain('Pkg &amp; &lt;Co&gt;');
    expect(capToken('a b,c<d&e')).toBe('a-b-c-d-e');
  });
});

describe('CAP areas', () => {
  it('simplifies a ring of thousands of points to at most the limit, closed, inside the original extent', () => {
    const ring: [number, number][] = [];
    for (let i = 0; i < 5000; i++) {
      const t = (i / 5000) * 2 * Math.PI;
      const r = 1 + 0.05 * Math.sin(40 * t);
      ring.push([30 + r * Math.cos(t), 48 + r * Math.sin(t)]);
    }
    ring.push(ring[0]!);
    const s = simplifyRing(ring)!;
    expect(s.length).toBeLessThanOrEqual(capMaxPoints);
    expect(s.length).toBeGreaterThanOrEqual(4);
    expect(s[0]).toEqual(s.at(-1));
    for (const [x, y] of s) expect(Math.hypot(x - 30, y - 48)).toBeLessThanOrEqual(1.05 + 1e-9);
  });

  it('writes lat,lon pairs, the largest parts first', () => {
    const small = [
      [0, 0],
      [0.1, 0],
      [0.1, 0.1],
      [0, 0.1],
      [0, 0],
    ];
    const big = [
      [10, 50],
      [12, 50],
      [12, 52],
      [10, 52],
      [10, 50],
    ];
    const p = capPolygons({ type: 'MultiPolygon', coordinates: [[small], [big]] });
    expect(p[0]).toBe('50.0000,10.0000 50.0000,12.0000 52.0000,12.0000 52.0000,10.0000 50.0000,10.0000');
    expect(p).toHaveLength(2);
    expect(capPolygons({ type: 'Point', coordinates: [1, 2] })).toEqual([]);
  });
});
