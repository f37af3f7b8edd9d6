import { describe, expect, it } from 'vitest';
import { geometryLength, haversine } from './line-length.js';

describe('line length', () => {
  it('measures a degree of latitude (111.2 km on the mean sphere; 111.0-111.7 km on the ellipsoid)', () => {
    expect(haversine([30, 48], [30, 49]) / 1000).toBeCloseTo(111.195, 2);
  });
  it('sums LineString and MultiLineString parts', () => {
    const g = {
      path: 'x',
      geojson: {
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: [[0, 0], [0, 1], [0, 2]] } },
          { type: 'Feature', properties: {}, geometry: { type: 'MultiLineString', coordinates: [[[10, 0], [10, 1]]] } },
          { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [0, 0] } },
        ],
      },
    };
    expect(geometryLength(g) / 1000).toBeCloseTo(3 * 111.195, 1);
  });
});
