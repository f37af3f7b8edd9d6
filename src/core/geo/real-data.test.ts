/**
 * The engine on real data: Natural Earth oblasts, the Korean Armistice lines (US State Department LSIB) and the UCDP
 * Georeferenced Event Dataset, read from the shared data folder (see its README for sources and licences), and the
 * example package's own geometry in examples/data.
 */
import { readFileSync } from 'node:fs';
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { describe, expect, it } from 'vitest';
import { LEFT } from './location.js';
import { validateGeometry } from './validate-geometry.js';
import { geodesicDistance } from './vincenty.js';
import { buildZoneIndex } from './zone-index.js';
import { mulberry32 } from '../../../test/support/mulberry32.js';

const EXAMPLES = new URL('../../../examples/data/', import.meta.url);
const readJson = (base: URL, path: string): unknown => JSON.parse(readFileSync(new URL(path, base), 'utf8'));

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and newlines. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else if (c !== '\r') field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

const quantile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

describe('example package geometry', () => {
  it('validates cleanly', () => {
    expect(validateGeometry(readJson(EXAMPLES, 'ukraine-oblasts.geojson'), { use: 'area' })).toEqual([]);
    expect(validateGeometry(readJson(EXAMPLES, 'contact-line.geojson'), { use: 'line' })).toEqual([]);
    expect(validateGeometry(readJson(EXAMPLES, 'grain-corridor.geojson'), { use: 'line' })).toEqual([]);
  });
});

describe('Natural Earth oblasts', () => {
  const layer = readJson(EXAMPLES, 'ukraine-oblasts.geojson') as { features: { properties: Record<string, string> }[] };
  const { index } = buildZoneIndex({ zones: [], regions: { geometry: layer, code: 'iso_3166_2', name: 'name_en' } });
  const ix = index!;

  it('loads 27 regions with their codes and names', () => {
    expect(ix.regions).toHaveLength(27);
    expect(new Set(ix.regions.map((r) => r.code)).size).toBe(27);
    expect(ix.regions.find((r) => r.code === 'UA-63')!.name).toBe('Kharkiv');
  });

  it.each([
    ['Kyiv city', 30.52, 50.45, 'UA-30'],
    ['Lviv', 24.03, 49.84, 'UA-46'],
    ['Odesa', 30.73, 46.48, 'UA-51'],
    ['Kharkiv', 36.23, 49.99, 'UA-63'],
    ['Sevastopol', 33.52, 44.6, 'UA-40'],
    ['Simferopol', 34.1, 44.95, 'UA-43'],
    ['Zaporizhzhia', 35.14, 47.84, 'UA-23'],
  ])('puts %s in %s', (_name, x, y, code) => {
    const loc = ix.locate(x as number, y as number);
    expect(ix.regions[loc.region]!.code).toBe(code);
  });

  it('agrees with Turf on 20,000 random points', () => {
    const next = mulberry32(99);
    let disagreements = 0;
    for (let i = 0; i < 20_000; i++) {
      const x = 22 + next() * 18.5;
      const y = 44 + next() * 8.5;
      const loc = ix.locate(x, y);
      const turf = layer.features.findIndex((f) => booleanPointInPolygon([x, y], f as never));
      if (turf !== loc.region) disagreements++;
    }
    expect(disagreements).toBe(0);
  });
});

describe('the Korean DMZ (LSIB)', () => {
  type Line = { properties: Record<string, string>; geometry: { type: 'LineString'; coordinates: [number, number][] } };
  const lines = (readJson(EXAMPLES, 'korea-dmz-lsib.geojson') as { features: Line[] }).features;
  // The LSIB labels: the MDL is "Military Demarcation Line"; the DMZ edges are "DMZ" lines, the northern one on the
  // North Korean side (COUNTRY_CO KN), the southern one on the South Korean side (KS).
  const mdl = lines.find((f) => f.properties['DISCLAIME1'] === 'Military Demarcation Line')!;
  const north = lines.find((f) => f.properties['DISCLAIME1'] === 'DMZ' && f.properties['COUNTRY_CO'] === 'KN')!;
  const south = lines.find((f) => f.properties['DISCLAIME1'] === 'DMZ' && f.properties['COUNTRY_CO'] === 'KS')!;
  // The northern edge runs east to west and the southern west to east, so the zone is on the left of both; joined
  // end to end they make the DMZ's polygon.
  const ring = [...south.geometry.coordinates, ...north.geometry.coordinates, south.geometry.coordinates[0]!];
  const dmzPolygon = { type: 'Polygon' as const, coordinates: [ring] };
  const { index, problems } = buildZoneIndex({
    zones: [
      { id: 'north', kind: 'line', geometry: north },
      { id: 'south', kind: 'line', geometry: south },
      { id: 'mdl', kind: 'line', geometry: mdl, sides: { left: 'KN', right: 'KS' } },
      { id: 'dmz', kind: 'area', geometry: dmzPolygon },
    ],
  });
  const ix = index!;
  const [N, S, M] = [0, 1, 2];
  const dmz = ix.zoneNumber('dmz');

  it('builds: the three lines and the polygon joining the edges are valid geometry', () => {
    expect(problems).toEqual([]);
    expect([mdl, north, south].every(Boolean)).toBe(true);
  });

  it('puts a point in the DMZ exactly when it lies between the edge lines (20,000 points)', () => {
    const next = mulberry32(7);
    let compared = 0;
    let turfDisagreements = 0;
    for (let i = 0; i < 20_000; i++) {
      // Over the DMZ's extent, widened to 0.3° north and south.
      const x = 126.7 + next() * 1.65;
      const y = 37.5 + next() * 1.4;
      const loc = ix.locate(x, y);
      const between = loc.side[N] === LEFT && loc.side[S] === LEFT;
      // Beyond either end of an edge, "between" has no meaning; within a metre of an edge is the tolerance band.
      if (loc.beyondEnd[N] || loc.beyondEnd[S] || loc.distance[N]! < 1 || loc.distance[S]! < 1) continue;
      compared++;
      expect(loc.inside[dmz] === 1).toBe(between);
      if (booleanPointInPolygon([x, y], dmzPolygon) !== (loc.inside[dmz] === 1)) turfDisagreements++;
    }
    expect(compared).toBeGreaterThan(15_000);
    expect(turfDisagreements).toBe(0);
  });

  it('finds the edge lines about 2 km (1-2.5 km) from the Military Demarcation Line', () => {
    for (const [edge, party] of [
      [north, 'KN'],
      [south, 'KS'],
    ] as const) {
      const d: number[] = [];
      const ends = [mdl.geometry.coordinates[0]!, mdl.geometry.coordinates.at(-1)!];
      for (const [x, y] of edge.geometry.coordinates) {
        // In the Han estuary the southern edge runs into the MDL's first position: skip 6 km around the MDL's ends.
        if (ends.some(([ex, ey]) => geodesicDistance(x, y, ex, ey) < 6000)) continue;
        const loc = ix.locate(x, y);
        d.push(loc.distance[M]!);
        expect(ix.party(M, loc.side[M]!)).toBe(party);
      }
      d.sort((a, b) => a - b);
      expect(d.length).toBeGreaterThan(170);
      expect(d[0]).toBeGreaterThan(1000);
      expect(d.at(-1)).toBeLessThan(2500);
      expect(Math.abs(quantile(d, 0.5) - 2000)).toBeLessThan(50);
    }
  });

  it('finds every point inside the DMZ within 2.5 km of the MDL', () => {
    const next = mulberry32(8);
    let inside = 0;
    for (let i = 0; i < 20_000; i++) {
      const loc = ix.locate(126.7 + next() * 1.65, 37.5 + next() * 1.4);
      if (!loc.inside[dmz]) continue;
      inside++;
      expect(loc.distance[M]).toBeLessThan(2500);
    }
    expect(inside).toBeGreaterThan(100);
  });
});

// UCDP GED events of the Minsk years, precisely located (where_prec 1 exact, 2 within ~25 km), placed against the
// example package's (2025-2026, illustrative) contact line.
const ucdp = (() => {
  const rows = parseCsv(readFileSync(new URL('ucdp-ged/ucdp-ged-ukraine-2014-01_to_2022-02.csv', EXAMPLES), 'utf8'));
  const head = rows[0]!;
  const col = (name: string) => head.indexOf(name);
  const events = rows
    .slice(1)
    .filter((r) => r.length === head.length)
    .map((r) => ({
      prec: Number(r[col('where_prec')]),
      lat: Number(r[col('latitude')]),
      lon: Number(r[col('longitude')]),
      date: r[col('date_start')]!,
      adm1: r[col('adm_1')]!,
    }));
  const selected = events.filter((e) => e.prec <= 2 && e.date >= '2015-01-01');
  const { index } = buildZoneIndex({
    regions: { geometry: readJson(EXAMPLES, 'ukraine-oblasts.geojson') },
    zones: [
      {
        id: 'contact-line',
        kind: 'line',
        geometry: readJson(EXAMPLES, 'contact-line.geojson'),
        sides: { left: 'RU', right: 'UA' },
      },
    ],
  });
  const located = selected.map((e) => {
    const loc = index!.locate(e.lon, e.lat);
    return {
      ...e,
      km: loc.distance[0]! / 1000,
      side: index!.party(0, loc.side[0]!),
      region: loc.region >= 0 ? index!.regions[loc.region]!.code : null,
    };
  });
  const km = located.map((e) => e.km).sort((a, b) => a - b);
  return { rows: rows.length - 1, events, located, median: quantile(km, 0.5), p90: quantile(km, 0.9), km };
})();

describe('UCDP GED events 2015-2022 against the example contact line', () => {
  it('reads every event of the file', () => {
    expect(ucdp.events).toHaveLength(3077);
    expect(ucdp.located.length).toBeGreaterThan(1000);
  });

  it(`sit mostly within tens of km of the line: median ${ucdp.median.toFixed(1)} km, p90 ${ucdp.p90.toFixed(1)} km`, () => {
    expect(ucdp.median).toBeGreaterThan(10);
    expect(ucdp.median).toBeLessThan(60);
    expect(ucdp.p90).toBeLessThan(150);
    expect(ucdp.km.filter((d) => d <= 50).length / ucdp.km.length).toBeGreaterThan(0.6);
    // The Minsk-era line ran east of the 2025 line: nearly all events fall on its Russian-held (left) side.
    expect(ucdp.located.filter((e) => e.side === 'RU').length / ucdp.located.length).toBeGreaterThan(0.9);
  });

  it('assigns the oblast that UCDP gives (adm_1) for the large majority', () => {
    const codeOf: Record<string, string> = {
      'Donetsk oblast': 'UA-14',
      'Luhansk oblast': 'UA-09',
      'Dnipropetrovsk oblast': 'UA-12',
      'Kharkiv oblast': 'UA-63',
      'Zaporizhia oblast': 'UA-23',
      'Kiev Special Republican city': 'UA-30',
    };
    const withAdm = ucdp.located.filter((e) => e.adm1 in codeOf);
    const agree = withAdm.filter((e) => e.region === codeOf[e.adm1]).length;
    expect(withAdm.length).toBeGreaterThan(1000);
    expect(agree / withAdm.length).toBeGreaterThan(0.98);
  });
});
