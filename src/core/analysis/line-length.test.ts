import { describe, expect, it } from 'vitest';
import { geodesicDistance } from '../geo/vincenty.js';
import { geometryLength } from './line-length.js';

describe('line length', () => {
  it('measures a degree of latitude on the ellipsoid (within 0.01% of Vincenty)', () => {
    const g = {
      path: 'x',
      geojson: {
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            properties: {},
            geometry: {
              type: 'LineString',
              coordinates: [
                [30, 48],
                [30, 49],
              ],
            },
          },
        ],
      },
    };
    const reference = geodesicDistance(30, 48, 30, 49);
    expect(Math.abs(geometryLength(g) - reference) / reference).toBeLessThan(1e-4);
  });
  it('sums LineString and MultiLineString parts', () => {
    const g = {
      path: 'x',
      geojson: {
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            properties: {},
            geometry: {
              type: 'LineString',
              coordinates: [
                [0, 0],
                [0, 1],
                [0, 2],
              ],
            },
          },
          {
            type: 'Feature',
            properties: {},
            geometry: {
              type: 'MultiLineString',
              coordinates: [
                [
                  [10, 0],
                  [10, 1],
                ],
              ],
            },
          },
          { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [0, 0] } },
        ],
      },
    };
    const reference = geodesicDistance(0, 0, 0, 1) + geodesicDistance(0, 1, 0, 2) + geodesicDistance(10, 0, 10, 1);
    expect(Math.abs(geometryLength(g) - reference) / reference).toBeLessThan(1e-4);
  });
});
