import { describe, expect, it } from 'vitest';
import { SimpleLocator, loadExample } from '../../../test/ops/simple-locator.js';
import { mulberry32 } from '../../../test/support/mulberry32.js';
import { geoLocatorFor } from './geo-locator.js';

describe('the geo engine as the pipeline locator', () => {
  for (const file of ['examples/ukraine-2026.yaml', 'examples/replay/ukraine-2015-minsk-replay.yaml']) {
    it(`agrees with the brute-force test locator on ${file}`, () => {
      const loaded = loadExample(file);
      const built = geoLocatorFor(loaded.model!, loaded.geometries);
      if (!built.ok) throw new Error(JSON.stringify(built.problems));
      const geo = built.locator;
      const simple = new SimpleLocator(loaded.model!, loaded.geometries);
      expect(geo.regionCodes().sort()).toEqual(simple.regionCodes().sort());
      const rnd = mulberry32(7);
      const line = [...loaded.geometries.values()]
        .map((g) => (g.geojson as any).features[0].geometry)
        .find((g) => g.type === 'LineString').coordinates as number[][];
      let compared = 0;
      for (let k = 0; k < 400; k++) {
        // Points within about 60 km of the line, away from its ends (where "side" means little).
        const v = line[Math.floor(line.length * (0.05 + 0.9 * rnd()))]!;
        const lon = v[0]! + (rnd() - 0.5) * 1.2;
        const lat = v[1]! + (rnd() - 0.5) * 0.8;
        const a = geo.locate(lon, lat);
        const b = simple.locate(lon, lat);
        expect(a.lines.map((l) => l.zone)).toEqual(b.lines.map((l) => l.zone));
        for (let i = 0; i < a.lines.length; i++) {
          const [x, y] = [a.lines[i]!, b.lines[i]!];
          // Ellipsoid vs one sphere plane at the point's latitude: close near the line, looser hundreds of km away.
          expect(Math.abs(x.distance - y.distance)).toBeLessThanOrEqual(
            y.distance < 50_000 ? Math.max(50, 0.005 * y.distance) : 0.015 * y.distance,
          );
          if (y.distance > 500) expect(x.side).toBe(y.side);
        }
        // Zones and regions can differ only for points close to a boundary; count agreement instead.
        if (JSON.stringify(a.zones) === JSON.stringify(b.zones) && a.region === b.region) compared++;
      }
      expect(compared).toBeGreaterThan(390);
    });
  }
});

describe('regions that respect uncertainty', () => {
  const loaded = loadExample('examples/replay/ukraine-2015-minsk-replay.yaml');
  const built = geoLocatorFor(loaded.model!, loaded.geometries);
  if (!built.ok) throw new Error(JSON.stringify(built.problems));
  const geo = built.locator;

  it('puts a Kherson-city point with a 2 km radius in UA-65, though the coarse boundary leaves its centre in the Dnipro', () => {
    // Natural Earth 1:10m draws the Kherson oblast edge along the river south of the point: the centre is in no region.
    expect(geo.locate(32.615, 46.637).region).toBeUndefined();
    const loc = geo.locate(32.615, 46.637, 2_000);
    expect(loc.region).toBe('UA-65');
    expect(loc.regionNear!.candidates).toContain('UA-65');
    expect(loc.regionNear!.distance).toBeGreaterThan(0);
    expect(loc.regionNear!.distance).toBeLessThanOrEqual(2_000);
  });

  it('keeps a point in its own region whatever the radius, and gives none when the disc reaches no region', () => {
    expect(geo.locate(37.8, 48.0, 50_000)).toMatchObject({ region: 'UA-14' });
    expect(geo.locate(37.8, 48.0, 50_000).regionNear).toBeUndefined();
    // The Black Sea, 60 km south of Odesa's coast: a 2 km disc reaches nothing; a 100 km one reaches the coast.
    expect(geo.locate(30.8, 45.9, 2_000).region).toBeUndefined();
    const far = geo.locate(30.8, 45.9, 100_000);
    expect(far.region).toBe('UA-51');
    expect(far.regionNear!.candidates[0]).toBeDefined();
  });

  it('records every region the disc reaches, the nearest chosen', () => {
    // In the Syvash lagoon between Kherson oblast and Crimea: a 30 km disc reaches both; Kherson oblast is nearer.
    const loc = geo.locate(33.5, 46.0, 30_000);
    expect(loc.region).toBe('UA-65');
    expect(loc.regionNear!.candidates).toEqual(['UA-43', 'UA-65']);
  });
});
