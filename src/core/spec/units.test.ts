import { describe, expect, it } from 'vitest';
import {
  DAY,
  HOUR,
  MINUTE,
  MONTH,
  parseCalendar,
  parseDistance,
  parseDuration,
  parseMoney,
  parseSpeed,
} from './units.js';

const value = <T>(r: { ok: true; value: T } | { ok: false; reason: string }): T => {
  if (!r.ok) throw new Error(r.reason);
  return r.value;
};

describe('units', () => {
  it.each([
    ['10m', 10 * MINUTE],
    ['90min', 90 * MINUTE],
    ['6h', 6 * HOUR],
    ['2d', 2 * DAY],
    ['2w', 14 * DAY],
    ['18mo', 18 * MONTH],
    ['1y', 12 * MONTH],
    ['1.5h', 90 * MINUTE],
  ])('duration %s', (t, ms) => expect(value(parseDuration(t))).toBeCloseTo(ms, 6));

  it.each(['', '10', 'h', '6 hours', '-2d', '2d3h', '1e3h'])('rejects duration %j', (t) => {
    const r = parseDuration(t);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain('not a duration');
  });

  it('distances, rates and money', () => {
    expect(value(parseDistance('15km'))).toBe(15_000);
    expect(value(parseDistance('500m'))).toBe(500);
    expect(value(parseDistance('12nm'))).toBe(22_224);
    expect(parseDistance('15 kms').ok).toBe(false);
    expect(value(parseSpeed('5km/d'))).toBeCloseTo(5000 / DAY, 15);
    expect(value(parseSpeed('500m/h'))).toBeCloseTo(500 / HOUR, 15);
    expect(parseSpeed('5km').ok).toBe(false);
    expect(value(parseMoney('9e9 EUR'))).toEqual({ amount: 9e9, currency: 'EUR' });
    expect(value(parseMoney('3.5e9 GBP'))).toEqual({ amount: 3.5e9, currency: 'GBP' });
    expect(parseMoney('9e9 euros').ok).toBe(false);
    expect(parseMoney('1e999 EUR').ok).toBe(false);
  });

  it('dates: months, days and instants, with the calendar checked', () => {
    const m = value(parseCalendar('2026-06'));
    expect([m.precision, m.start, m.end]).toEqual(['month', Date.UTC(2026, 5, 1), Date.UTC(2026, 6, 1)]);
    const d = value(parseCalendar('2028-02-29'));
    expect([d.precision, d.start, d.end]).toEqual(['day', Date.UTC(2028, 1, 29), Date.UTC(2028, 2, 1)]);
    expect(value(parseCalendar('2026-06-01T00:00Z')).start).toBe(Date.UTC(2026, 5, 1));
    expect(value(parseCalendar('2026-06-01T03:00+03:00')).start).toBe(Date.UTC(2026, 5, 1));
    expect(value(parseCalendar('2026-06-01T12:30:15')).start).toBe(Date.UTC(2026, 5, 1, 12, 30, 15));
    for (const bad of [
      '2026-02-30',
      '2027-02-29',
      '2026-13',
      '2026-04-31',
      '2026-06-01T24:00Z',
      '2026-06-01T10:60Z',
      'June 2026',
    ]) {
      expect(parseCalendar(bad).ok, bad).toBe(false);
    }
  });
});
