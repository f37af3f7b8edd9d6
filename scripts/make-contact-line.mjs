// Build the illustrative contact line from real place coordinates (north to south), densified to ~0.35 km.
const towns = [
  ['Russian border north of Vovchansk', 50.37, 36.96],
  ['Vovchansk', 50.29, 36.94],
  ['Kupiansk', 49.71, 37.61],
  ['Kivsharivka', 49.62, 37.68],
  ['Borova', 49.38, 37.62],
  ['Lyman', 48.99, 37.81],
  ['Siversk', 48.87, 38.1],
  ['Chasiv Yar', 48.59, 37.84],
  ['Kostiantynivka', 48.53, 37.71],
  ['Toretsk', 48.4, 37.85],
  ['Pokrovsk', 48.28, 37.18],
  ['Kurakhove', 47.98, 37.28],
  ['Velyka Novosilka', 47.84, 36.83],
  ['Huliaipole', 47.66, 36.26],
  ['Orikhiv', 47.57, 35.79],
  ['Kamianske', 47.49, 35.42],
  ['Vasylivka', 47.44, 35.28],
  ['Enerhodar', 47.5, 34.66],
  ['Nova Kakhovka', 46.75, 33.37],
  ['Kherson', 46.64, 32.62],
  ['Dnipro mouth', 46.5, 32.2],
  ['Kinburn spit', 46.56, 31.53],
];
const R = 6371.0088;
const rad = (d) => (d * Math.PI) / 180;
function dist(a, b) {
  const dLat = rad(b[1] - a[1]),
    dLon = rad(b[0] - a[0]);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a[1])) * Math.cos(rad(b[1])) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.sqrt(h));
}
const coords = [];
for (let i = 0; i < towns.length - 1; i++) {
  const a = [towns[i][2], towns[i][1]],
    b = [towns[i + 1][2], towns[i + 1][1]];
  const n = Math.max(1, Math.ceil(dist(a, b) / 0.35));
  for (let k = 0; k < n; k++) {
    const t = k / n;
    coords.push([+(a[0] + (b[0] - a[0]) * t).toFixed(5), +(a[1] + (b[1] - a[1]) * t).toFixed(5)]);
  }
}
coords.push([towns.at(-1)[2], towns.at(-1)[1]]);
const fc = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      properties: {
        name: 'Illustrative line of contact',
        note: 'Straight segments between real places near the 2025-2026 front, north to south, densified every ~0.35 km. Illustrative, not an agreed line.',
        waypoints: towns.map((t) => t[0]),
      },
      geometry: { type: 'LineString', coordinates: coords },
    },
  ],
};
process.stdout.write(JSON.stringify(fc) + '\n');
console.error('vertices', coords.length);
