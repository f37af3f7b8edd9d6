/** Where the lists and catch-up benches seed their cases: a point in each of six oblasts of the example's regions. */
export const seedPlaces = [
  { region: 'UA-14', lon: 37.4, lat: 48.2 },
  { region: 'UA-09', lon: 39.2, lat: 48.9 },
  { region: 'UA-23', lon: 35.6, lat: 47.2 },
  { region: 'UA-63', lon: 36.4, lat: 49.7 },
  { region: 'UA-65', lon: 33.6, lat: 46.7 },
  { region: 'UA-12', lon: 34.6, lat: 48.3 },
];
