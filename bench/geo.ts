// The zone engine (src/core/geo) on the example package: points per second located by `locate` (all zones, every
// line's distance and side, the region), single thread. The headline workload is where reports fall: 1,000,000
// seeded points within 30 km either side of the contact line (uniform along its length and across the band); points
// uniform over the package's extent, mostly far from any line and so cheap, are printed as context. Also the index
// build time, and baselines measured in the same run on the same near-line points and zones:
//   turf:    booleanPointInPolygon over the 27 regions + pointToLineDistance to both lines, per point (a sample);
//   postgis: the query a PostGIS user would write for these answers: regions by ST_Covers on geometry (the engine,
//            like PostGIS's geometry type, treats region edges as straight in lon/lat), the two line distances once
//            each on geography (metres on the spheroid), memberships derived from them, the side of the line by
//            ST_LineLocatePoint; GiST indexes, one backend, no parallel workers. The earlier query (regions on
//            geography, each distance recomputed by ST_DWithin) is printed as context.
// Rates are per CPU-second of the process doing the work (this process; the PostgreSQL backend, read from /proc),
// so that a shared, loaded machine does not skew the ratios; wall-clock figures are printed beside them.
// Run: npx tsx bench/geo.ts (GEO_BENCH_POINTS, GEO_BENCH_TURF, GEO_BENCH_POSTGIS change the sample sizes).
import { readFileSync } from 'node:fs';
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { pointToLineDistance } from '@turf/point-to-line-distance';
import pg from 'pg';
import { buildZoneIndex, type ZoneIndex } from '../src/core/geo/zone-index.js';
import type { ZoneGeometryInput } from '../src/core/geo/zones.js';
import { mulberry32 } from '../test/support/mulberry32.js';

const POINTS = Number(process.env.GEO_BENCH_POINTS ?? 1_000_000);
const TURF_POINTS = Number(process.env.GEO_BENCH_TURF ?? 400);
const POSTGIS_POINTS = Number(process.env.GEO_BENCH_POSTGIS ?? 20_000);

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const readJson = (path: string) =>
  JSON.parse(readFileSync(new URL(`../examples/data/${path}`, import.meta.url), 'utf8'));
const contactLine = readJson('contact-line.geojson');
const grainCorridor = readJson('grain-corridor.geojson');
const oblasts = readJson('ukraine-oblasts.geojson');

// The example package's zones (examples/ukraine-2026.yaml), as the package adapter hands them to the engine.
const input: ZoneGeometryInput = {
  regions: { geometry: oblasts, code: 'iso_3166_2', name: 'name_en' },
  zones: [
    { id: 'contact-line', kind: 'line', geometry: contactLine, sides: { left: 'RU', right: 'UA' } },
    { id: 'buffer', kind: 'buffer', around: 'contact-line', width: 15_000 },
    { id: 'heavy-weapons', kind: 'buffer', around: 'contact-line', width: 50_000 },
    { id: 'rear-ua', kind: 'buffer', around: 'contact-line', width: 100_000, side: 'right' },
    { id: 'grain-corridor', kind: 'corridor', geometry: grainCorridor, width: 10_000 },
    { id: 'no-fly', kind: 'airspace', over: 'buffer', ceiling: 10_000 },
    { id: 'zaporizhzhia-npp', kind: 'area', regions: ['UA-23'] },
  ],
};

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const wallMs = () => Number(process.hrtime.bigint()) / 1e6;
function timed<T>(f: () => T): { value: T; wall: number; cpu: number } {
  const c0 = cpuMs();
  const w0 = wallMs();
  const value = f();
  return { value, wall: wallMs() - w0, cpu: cpuMs() - c0 };
}

// --- Build ------------------------------------------------------------------------------------------------------
const first = timed(() => buildZoneIndex(input));
if (!first.value.index) throw new Error(JSON.stringify(first.value.problems.slice(0, 3)));
const ix: ZoneIndex = first.value.index;
const warm: number[] = [];
for (let k = 0; k < 5; k++) warm.push(timed(() => buildZoneIndex(input)).cpu);
warm.sort((a, b) => a - b);
const segments = ix.lines.map((l) => `${l.id} ${l.segments}`).join(', ');
console.log(
  `zones: ${ix.zones.length} (${ix.zones.map((z) => z.id).join(', ')}); regions: ${ix.regions.length}; segments: ${segments}`,
);
console.log(
  `index build, first in process: ${first.cpu.toFixed(0)} ms CPU (${first.wall.toFixed(0)} ms wall); warm median: ${warm[2]!.toFixed(0)} ms CPU  (target < 200 ms)`,
);

// --- Points ------------------------------------------------------------------------------------------------------
// Uniform over the extent of the package's geometry (Ukraine and the western Black Sea): context only.
const [X0, X1, Y0, Y1] = [22, 41, 40.5, 52.5];
const rand = mulberry32(0x2545f491);
const uniform = new Float64Array(POINTS * 2);
for (let i = 0; i < POINTS; i++) {
  uniform[2 * i] = X0 + rand() * (X1 - X0);
  uniform[2 * i + 1] = Y0 + rand() * (Y1 - Y0);
}
// Near the line (the headline): a point on the contact line, uniform by length, moved up to 30 km along the
// segment's normal, either side. Local metres per degree (spherical, R = 6,371 km) are close enough to place points.
const NEAR_M = 30_000;
const near = new Float64Array(POINTS * 2);
{
  const line = contactLine.features[0].geometry.coordinates as [number, number][];
  const M = (6_371_000 * Math.PI) / 180;
  const cum: number[] = [0];
  for (let k = 1; k < line.length; k++) {
    const [ax, ay] = line[k - 1]!;
    const [bx, by] = line[k]!;
    const kx = M * Math.cos(((ay + by) / 2) * (Math.PI / 180));
    cum.push(cum[k - 1]! + Math.hypot((bx - ax) * kx, (by - ay) * M));
  }
  const total = cum[cum.length - 1]!;
  for (let i = 0; i < POINTS; i++) {
    const at = rand() * total;
    let lo = 1;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! < at) lo = mid + 1;
      else hi = mid;
    }
    const [ax, ay] = line[lo - 1]!;
    const [bx, by] = line[lo]!;
    const t = (at - cum[lo - 1]!) / (cum[lo]! - cum[lo - 1]! || 1);
    const x = ax + t * (bx - ax);
    const y = ay + t * (by - ay);
    const kx = M * Math.cos(y * (Math.PI / 180));
    const ex = (bx - ax) * kx;
    const ey = (by - ay) * M;
    const len = Math.hypot(ex, ey) || 1;
    const off = (rand() * 2 - 1) * NEAR_M;
    near[2 * i] = x + ((-ey / len) * off) / kx;
    near[2 * i + 1] = y + ((ex / len) * off) / M;
  }
}
const coords = near; // every measurement below, and every baseline, is on the near-line points

// --- locate ------------------------------------------------------------------------------------------------------
function locateAll(points: Float64Array, n: number): number {
  let check = 0;
  for (let i = 0; i < n; i++) {
    const loc = ix.locateFrom(points, 2 * i);
    check += loc.region + loc.inside[3]! + loc.side[0]!;
  }
  return check;
}
function bestOf3(points: Float64Array): { wall: number; cpu: number } {
  locateAll(points, Math.min(POINTS, 200_000)); // warm-up: let the optimising compiler see the hot paths
  let best = { wall: Infinity, cpu: Infinity };
  for (let r = 0; r < 3; r++) {
    const t = timed(() => locateAll(points, POINTS));
    if (t.cpu < best.cpu) best = t;
  }
  return best;
}
const bestUniform = bestOf3(uniform);
const uniformRate = (POINTS / bestUniform.cpu) * 1000;
const best = bestOf3(near);
const rate = (POINTS / best.cpu) * 1000;
console.log(
  `locate, points within ${NEAR_M / 1000} km of the contact line (headline): ${fmt(POINTS)} points in ${best.cpu.toFixed(0)} ms CPU (${best.wall.toFixed(0)} ms wall, best of 3): ${fmt(rate)} points/s per core  (target >= 500,000)`,
);
console.log(
  `locate, points uniform over the extent (context; most are far from every line): ${fmt(uniformRate)} points/s per core`,
);
const plainRate = (() => {
  const n = Math.min(POINTS, 300_000);
  const t = timed(() => {
    let c = 0;
    for (let i = 0; i < n; i++) c += ix.locate(coords[2 * i]!, coords[2 * i + 1]!).region;
    return c;
  });
  return (n / t.cpu) * 1000;
})();
const within = (() => {
  const n = Math.min(POINTS, 200_000);
  const t = timed(() => {
    let c = 0;
    for (let i = 0; i < n; i++) c += ix.locateWithin(coords[2 * i]!, coords[2 * i + 1]!, 2_000).status[1]!;
    return c;
  });
  return (n / t.cpu) * 1000;
})();
console.log(`locate(lon, lat) with numbers: ${fmt(plainRate)} points/s; locateWithin(…, 2 km): ${fmt(within)} discs/s`);

// --- Baseline: Turf -----------------------------------------------------------------------------------------------
const lineOf = (fc: { features: { geometry: unknown }[] }) => ({
  type: 'Feature',
  properties: {},
  geometry: fc.features[0]!.geometry,
});
const turfContact = lineOf(contactLine);
const turfCorridor = lineOf(grainCorridor);
const regionFeatures = oblasts.features as {
  geometry: { coordinates: unknown };
  bbox?: number[];
  properties: Record<string, string>;
}[];
for (const f of regionFeatures) {
  // A box per region lets booleanPointInPolygon skip most regions quickly: the fairest use of Turf.
  const b = [180, 90, -180, -90];
  const walk = (c: unknown): void => {
    if (typeof (c as number[])[0] === 'number') {
      const [x, y] = c as [number, number];
      b[0] = Math.min(b[0]!, x);
      b[1] = Math.min(b[1]!, y);
      b[2] = Math.max(b[2]!, x);
      b[3] = Math.max(b[3]!, y);
    } else (c as unknown[]).forEach(walk);
  };
  walk(f.geometry.coordinates);
  f.bbox = b;
}
function turfLocate(x: number, y: number): number {
  const p: [number, number] = [x, y];
  let region = -1;
  for (let r = 0; r < regionFeatures.length; r++) {
    if (booleanPointInPolygon(p, regionFeatures[r] as never)) {
      region = r;
      break;
    }
  }
  const dContact = pointToLineDistance(p, turfContact as never, { units: 'meters' });
  const dCorridor = pointToLineDistance(p, turfCorridor as never, { units: 'meters' });
  // Buffers, corridor, airspace and the area follow from these (the side of the line Turf does not give).
  return region + (dContact <= 15_000 ? 1 : 0) + (dContact <= 50_000 ? 1 : 0) + (dCorridor <= 5_000 ? 1 : 0);
}
const turf = timed(() => {
  let c = 0;
  for (let i = 0; i < TURF_POINTS; i++) c += turfLocate(coords[2 * i]!, coords[2 * i + 1]!);
  return c;
});
const turfRate = (TURF_POINTS / turf.cpu) * 1000;
console.log(
  `turf (booleanPointInPolygon x27 + pointToLineDistance x2): ${fmt(TURF_POINTS)} points in ${turf.cpu.toFixed(0)} ms CPU: ${fmt(turfRate)} points/s`,
);

// --- Baseline: PostGIS --------------------------------------------------------------------------------------------
interface PostgisRun {
  rate: number;
  wallRate: number;
  note: string;
}
async function postgis(): Promise<(PostgisRun & { earlier: PostgisRun }) | string> {
  const client = new pg.Client({
    host: '127.0.0.1',
    port: 5432,
    user: process.env.PGUSER ?? 'postgres',
    database: process.env.PGDATABASE ?? 'test',
  });
  try {
    await client.connect();
  } catch (e) {
    return `cannot connect to PostgreSQL on 127.0.0.1:5432 (${(e as Error).message})`;
  }
  try {
    try {
      await client.query('CREATE EXTENSION IF NOT EXISTS postgis');
    } catch (e) {
      return `PostGIS is not installed (${(e as Error).message.split('\n')[0]}); apt-get install -y postgresql-15-postgis-3`;
    }
    await client.query('SET max_parallel_workers_per_gather = 0'); // one core, like the engine
    await client.query('DROP SCHEMA IF EXISTS geo_bench CASCADE');
    await client.query('CREATE SCHEMA geo_bench');
    await client.query(
      'CREATE TABLE geo_bench.lines (id text PRIMARY KEY, geom geometry(LineString, 4326), geog geography(LineString, 4326))',
    );
    for (const [id, fc] of [
      ['contact-line', contactLine],
      ['grain-corridor', grainCorridor],
    ] as const) {
      const g = JSON.stringify(fc.features[0].geometry);
      await client.query(
        'INSERT INTO geo_bench.lines VALUES ($1, ST_SetSRID(ST_GeomFromGeoJSON($2), 4326), ST_SetSRID(ST_GeomFromGeoJSON($2), 4326)::geography)',
        [id, g],
      );
    }
    await client.query(
      'CREATE TABLE geo_bench.regions (n int PRIMARY KEY, code text, geom geometry(MultiPolygon, 4326), geog geography(MultiPolygon, 4326))',
    );
    for (let r = 0; r < regionFeatures.length; r++) {
      const f = regionFeatures[r]!;
      await client.query(
        'INSERT INTO geo_bench.regions VALUES ($1, $2, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($3), 4326)), ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($3), 4326))::geography)',
        [r, f.properties['iso_3166_2'], JSON.stringify(f.geometry)],
      );
    }
    await client.query('CREATE INDEX ON geo_bench.regions USING gist (geom)');
    await client.query('CREATE INDEX ON geo_bench.regions USING gist (geog)');
    await client.query('CREATE INDEX ON geo_bench.lines USING gist (geog)');
    await client.query(
      'CREATE TABLE geo_bench.points (id int PRIMARY KEY, geom geometry(Point, 4326), geog geography(Point, 4326))',
    );
    const n = POSTGIS_POINTS;
    const lon: number[] = [];
    const lat: number[] = [];
    for (let i = 0; i < n; i++) {
      lon.push(coords[2 * i]!);
      lat.push(coords[2 * i + 1]!);
    }
    await client.query(
      `INSERT INTO geo_bench.points SELECT i, ST_SetSRID(ST_MakePoint(x, y), 4326), ST_SetSRID(ST_MakePoint(x, y), 4326)::geography
       FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS u(x, y, i)`,
      [lon, lat],
    );
    await client.query('CREATE INDEX ON geo_bench.points USING gist (geom)');
    await client.query('CREATE INDEX ON geo_bench.points USING gist (geog)');
    await client.query('ANALYZE geo_bench.regions; ANALYZE geo_bench.points; ANALYZE geo_bench.lines');
    // The same answers as locate: region, distance to each line, the buffers, the corridor, the airspace footprint,
    // the area, and the side of the contact line for the one-sided buffer (from the segment around the nearest
    // point: the sign of the cross product, in degrees, which is the side).
    const side = (
      geom: string,
    ) => `(SELECT (ST_X(b) - ST_X(a)) * (ST_Y(${geom}) - ST_Y(a)) - (ST_Y(b) - ST_Y(a)) * (ST_X(${geom}) - ST_X(a)) < 0
          FROM (SELECT ST_LineInterpolatePoint(c.geom, greatest(f - 1e-6, 0)) AS a, ST_LineInterpolatePoint(c.geom, least(f + 1e-6, 1)) AS b
                FROM (SELECT ST_LineLocatePoint(c.geom, ${geom}) AS f) s) ab)`;
    // The fair query: regions on geometry, each distance once, memberships derived from the distances.
    const fair = `
      SELECT q.id, region, d_contact, d_corridor, d_contact <= 15000 AS buffer, d_contact <= 50000 AS heavy, d_corridor <= 5000 AS corridor,
        CASE WHEN d_contact <= 100000 THEN ${side('q.geom')} ELSE false END AS rear
      FROM (
        SELECT p.id, p.geom,
          (SELECT r.code FROM geo_bench.regions r WHERE ST_Covers(r.geom, p.geom) LIMIT 1) AS region,
          ST_Distance(c.geog, p.geog) AS d_contact,
          ST_Distance(g.geog, p.geog) AS d_corridor
        FROM geo_bench.points p, geo_bench.lines c, geo_bench.lines g
        WHERE c.id = 'contact-line' AND g.id = 'grain-corridor'
      ) q, geo_bench.lines c
      WHERE c.id = 'contact-line'
      ORDER BY q.id`;
    // The earlier baseline, as context: regions on geography, the buffers by ST_DWithin beside the distances.
    const earlier = `
      SELECT p.id,
        (SELECT r.code FROM geo_bench.regions r WHERE ST_Covers(r.geog, p.geog) LIMIT 1) AS region,
        ST_Distance(c.geog, p.geog) AS d_contact,
        ST_Distance(g.geog, p.geog) AS d_corridor,
        ST_DWithin(c.geog, p.geog, 15000) AS buffer,
        ST_DWithin(c.geog, p.geog, 50000) AS heavy,
        ST_DWithin(g.geog, p.geog, 5000) AS corridor,
        CASE WHEN ST_DWithin(c.geog, p.geog, 100000) THEN ${side('p.geom')} ELSE false END AS rear
      FROM geo_bench.points p, geo_bench.lines c, geo_bench.lines g
      WHERE c.id = 'contact-line' AND g.id = 'grain-corridor'
      ORDER BY p.id`;
    const pid = (await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
    const backendCpu = (): number | null => {
      try {
        // utime and stime, fields 14 and 15 of /proc/PID/stat, in clock ticks (100 per second on Linux).
        const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        return ((Number(f[11]) + Number(f[12])) / 100) * 1000;
      } catch {
        return null;
      }
    };
    const run = async (sql: string) => {
      await client.query(`${sql} LIMIT 2000`); // warm the caches
      const c0 = backendCpu();
      const w0 = wallMs();
      const res = await client.query(sql);
      const wall = wallMs() - w0;
      const c1 = backendCpu();
      const cpu = c0 !== null && c1 !== null && c1 > c0 ? c1 - c0 : wall;
      // Same answers? Compare with the engine on every point.
      let regionDiff = 0;
      let memberDiff = 0;
      let worstRel = 0;
      let worstNear = 0;
      let worstAt = 0;
      for (const row of res.rows as {
        id: number;
        region: string | null;
        d_contact: number;
        buffer: boolean;
        heavy: boolean;
        corridor: boolean;
        rear: boolean;
      }[]) {
        const i = row.id - 1;
        const loc = ix.locate(coords[2 * i]!, coords[2 * i + 1]!);
        const code = loc.region >= 0 ? ix.regions[loc.region]!.code : null;
        if (code !== row.region) regionDiff++;
        if (
          row.buffer !== (loc.inside[1] === 1) ||
          row.heavy !== (loc.inside[2] === 1) ||
          row.corridor !== (loc.inside[4] === 1) ||
          row.rear !== (loc.inside[3] === 1)
        )
          memberDiff++;
        const rel = Math.abs(row.d_contact - loc.distance[0]!) / row.d_contact;
        if (row.d_contact > 1 && rel > worstRel) {
          worstRel = rel;
          worstAt = row.d_contact;
        }
        if (row.d_contact > 1 && row.d_contact <= 100_000) worstNear = Math.max(worstNear, rel);
      }
      const note = `${fmt(n)} points in ${cpu.toFixed(0)} ms backend CPU (${wall.toFixed(0)} ms wall); answers differ from the engine's for ${regionDiff} regions and ${memberDiff} points' memberships; contact-line distances within ${(worstNear * 100).toFixed(4)}% up to 100 km, ${(worstRel * 100).toFixed(3)}% at worst (at ${fmt(worstAt / 1000)} km: PostGIS measures on the spheroid to the nearest point found on the sphere)`;
      return { rate: (n / cpu) * 1000, wallRate: (n / wall) * 1000, note };
    };
    const fairRun = await run(fair);
    const earlierRun = await run(earlier);
    return { ...fairRun, earlier: earlierRun };
  } finally {
    await client.query('DROP SCHEMA IF EXISTS geo_bench CASCADE').catch(() => undefined);
    await client.end();
  }
}

const pgResult = await postgis();
const baselines: Record<string, number> = { turf: Math.round(turfRate) };
if (typeof pgResult === 'string') console.log(`postgis: skipped: ${pgResult}`);
else {
  baselines['postgis'] = Math.round(pgResult.rate);
  console.log(
    `postgis (regions on geometry, each distance once, GiST, one batch query, no parallel workers): ${pgResult.note}: ${fmt(pgResult.rate)} points/s`,
  );
  console.log(
    `postgis, the earlier query (context: regions on geography, ST_DWithin beside ST_Distance): ${pgResult.earlier.note}: ${fmt(pgResult.earlier.rate)} points/s (${(rate / pgResult.earlier.rate).toFixed(1)}x)`,
  );
}
const ratios: Record<string, number> = {};
for (const [k, v] of Object.entries(baselines)) ratios[k] = +(rate / v).toFixed(1);
console.log(
  `ratios: ${Object.entries(ratios)
    .map(([k, v]) => `${v}x ${k}`)
    .join(', ')}  (target >= 50x postgis)`,
);
console.log(
  JSON.stringify({
    bench: 'geo',
    unit: 'points/s',
    value: Math.round(rate),
    baselines,
    ratios,
    uniform_points_per_s: Math.round(uniformRate),
    build_ms: Math.round(first.cpu),
  }),
);
