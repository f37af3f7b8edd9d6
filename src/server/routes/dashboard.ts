/**
 * The web dashboard (docs/dashboard.md): the static app in `web/` at `/`, MapLibre GL from node_modules at
 * `/vendor/`, and the few read-only endpoints the dashboard needs that no other resource provides:
 *
 * - `GET /v1/package/model`     public: the package in force (the agreement's text as data; durations in ms)
 * - `GET /v1/package/geometry`  public: regions and zones as GeoJSON for the map (buffers drawn as outlines)
 * - `GET /v1/package/analysis`  keyed: scorecard, day-one timeline, month-twelve sustainment, findings
 * - `GET /v1/public/regions`    public: one plain state per region, nothing about sources or attribution
 * - `GET /v1/dashboard/me`      keyed: the caller's actor and role, so the page shows what that role may read
 * - `GET /v1/dashboard/tasks`   keyed: every response task of every case, in one request
 *
 * Everything is computed once per package and served with an ETag and gzip, for field connections. The map needs
 * the package's geometry: `main.ts` passes the loaded package as `deps.package`; without it those endpoints say so.
 */
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { analyse } from '../../core/analysis/index.js';
import { diagnosticToJson } from '../../core/diagnostics/render/json.js';
import type { Violation } from '../../core/ops/index.js';
import { roles } from '../../core/ports/store.js';
import { taskStates } from '../../core/ports/casework.js';
import { text } from '../list-query.js';
import type { LoadedPackage } from '../../core/spec/load.js';
import { DAY } from '../../core/spec/units.js';
import { actorRolesOf, can, dashboardPowers, principalOf } from '../access.js';
import { caseworkFor } from '../casework.js';
import type { ServerDeps } from '../deps.js';
import type { RoutePlugin } from '../type-provider.js';
import { sendError } from '../errors.js';
import { fileAsset, listFiles, makeAsset, sendAsset, type Asset } from '../dashboard/assets.js';
import { notModified, preparedBody } from '../openapi.js';
import { documentRef } from '../schemas.js';
import { packageMap } from '../dashboard/package-geometry.js';
import { RegionIndex, regionalStatus } from '../dashboard/regional-status.js';
import { itemAt } from '../../core/item-at.js';

declare module '../deps.js' {
  interface ServerDeps {
    /** The loaded package with its geometry files, for the dashboard's map (set by `main.ts`). */
    package?: LoadedPackage;
  }
}

const here = dirname(fileURLToPath(import.meta.url));
/** `web/` at the repository root: three levels up from both `src/server/routes` and `dist/server/routes`. */
export const webDir = join(here, '..', '..', '..', 'web');
const maplibreDir = join(dirname(createRequire(import.meta.url).resolve('maplibre-gl/package.json')), 'dist');
const vendorFiles = ['maplibre-gl.mjs', 'maplibre-gl-worker.mjs', 'maplibre-gl.css'] as const;

/**
 * Nothing leaves for another origin: no tiles, fonts or scripts from a CDN. MapLibre starts its worker from its own
 * module URL (`worker-src 'self'`) and draws GeoJSON into blob images (`img-src blob:`).
 */
export const contentSecurityPolicy =
  "default-src 'self'; script-src 'self'; worker-src 'self' blob:; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

const pageHeaders = {
  'content-security-policy': contentSecurityPolicy,
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};
/** App files revalidate on every load (a 304 is tiny); the versioned vendor files are kept a day. */
const revalidate = 'no-cache';
const vendorCache = 'public, max-age=86400';

/** Infinity (a response that never comes) and NaN are not JSON; they travel as null (docs/dashboard.md). */
const finite = (_k: string, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v);
const jsonAsset = (value: unknown, access: 'public' | 'private') =>
  makeAsset(JSON.stringify(value, finite), 'application/json; charset=utf-8', `${access}, no-cache`);

/** Memoises a value computed from the package; a thrown error is answered as 500 each time, not cached. */
function once<T>(f: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = f();
      done = true;
    }
    return value;
  };
}

const anyRole = [...roles];

export const dashboardRoutes: RoutePlugin<ServerDeps> = async (app, deps) => {
  const pkg = deps.operations.model.pkg;
  const actorRoles = actorRolesOf(pkg);
  const loaded = deps.package;
  const hide = { hide: true } as const;

  // The app (every file in web/, read once at start: a few tens of kB) and MapLibre GL from the installed package
  // (read on first use), behind one wildcard route; `/` is index.html.
  const assets = new Map<string, () => Asset>();
  for (const rel of listFiles(webDir)) {
    const asset = fileAsset(join(webDir, rel), revalidate, rel.endsWith('.html') ? pageHeaders : undefined);
    assets.set(`/${rel}`, () => asset);
  }
  for (const name of vendorFiles)
    assets.set(
      `/vendor/${name}`,
      once(() => fileAsset(join(maplibreDir, name), vendorCache)),
    );
  const index = assets.get('/index.html');
  if (!index) throw new Error(`the dashboard has no ${join(webDir, 'index.html')}`);
  app.get('/', { config: { access: 'public' }, schema: hide }, async (request, reply) =>
    sendAsset(request, reply, index()),
  );
  app.get('/*', { config: { access: 'public' }, schema: hide }, async (request, reply) => {
    const asset = assets.get(itemAt(request.url.split('?'), 0));
    return asset
      ? sendAsset(request, reply, asset())
      : sendError(reply, 404, {
          error: 'not-found',
          message: `no route ${request.method} ${request.url.split('?')[0]}`,
        });
  });

  const noGeometry = (reply: FastifyReply) =>
    sendError(reply, 503, {
      error: 'no-package',
      message:
        'this server was started without the loaded package and its geometry (deps.package); the map, the analysis and the regional status are unavailable',
    });

  app.get(
    '/v1/package/model',
    {
      ...preparedBody,
      config: { access: 'public' },
      schema: {
        tags: ['package'],
        summary: 'The package in force, as loaded: durations in ms, distances in m, times in epoch ms',
        response: { 200: documentRef('PackageModel'), 304: notModified },
      },
    },
    (() => {
      const asset = once(() => jsonAsset(pkg, 'public'));
      return async (request: FastifyRequest, reply: FastifyReply) => sendAsset(request, reply, asset());
    })(),
  );

  const geometry = once(() => (loaded ? jsonAsset(packageMap(loaded), 'public') : undefined));
  app.get(
    '/v1/package/geometry',
    {
      ...preparedBody,
      config: { access: 'public' },
      schema: {
        tags: ['package'],
        summary:
          'Regions and zones as a GeoJSON FeatureCollection for maps (properties.layer: region or zone); buffers and corridors as outlines',
        response: { 200: documentRef('PackageMap'), 304: notModified },
      },
    },
    async (request, reply) => {
      const a = geometry();
      return a ? sendAsset(request, reply, a) : noGeometry(reply);
    },
  );

  const analysis = once((): Asset | undefined => {
    if (!loaded) return undefined;
    const a = analyse(loaded);
    if (!a) return undefined;
    return jsonAsset(
      {
        scorecard: a.scorecard,
        timeline: a.timeline,
        sustainment: a.sustainment,
        findings: a.diagnostics.map(diagnosticToJson),
      },
      'private',
    );
  });
  app.get(
    '/v1/package/analysis',
    {
      ...preparedBody,
      config: { access: can.readCases },
      schema: {
        tags: ['package'],
        summary:
          'The analysis of the package in force: scorecard, day-one timeline per trigger, month-twelve sustainment, findings. null = never',
        response: {
          200: documentRef('PackageAnalysis'),
          304: notModified,
        },
      },
    },
    async (request, reply) => {
      const a = analysis();
      return a ? sendAsset(request, reply, a) : noGeometry(reply);
    },
  );

  app.get(
    '/v1/dashboard/me',
    {
      config: { access: anyRole },
      schema: {
        tags: ['dashboard'],
        summary: "Who the key is: its actor and role, and what the role may see and do (the server's own role table)",
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            required: ['keyId', 'actor', 'role', 'name', 'can'],
            properties: {
              keyId: { type: 'string' },
              actor: { type: 'string', description: 'A package actor, or * for none' },
              role: { type: 'string', enum: [...roles] },
              name: { type: 'string' },
              can: {
                type: 'object',
                additionalProperties: false,
                required: ['findings', 'cases', 'tasks', 'actOnTasks', 'acknowledgeAlerts'],
                properties: {
                  findings: { type: 'boolean' },
                  cases: { type: 'boolean' },
                  tasks: { type: 'boolean' },
                  actOnTasks: { type: 'boolean' },
                  acknowledgeAlerts: { type: 'boolean' },
                },
              },
            },
          },
        },
      },
    },
    async (request) => {
      const p = principalOf(request);
      return {
        keyId: p.keyId,
        actor: p.actor,
        role: p.role,
        name: pkg.actors[p.actor]?.name ?? (p.actor === '*' ? 'operator' : p.actor),
        can: dashboardPowers(p, actorRoles),
      };
    },
  );

  const casework = () => caseworkFor(deps.store, pkg, deps.operations.clock);

  app.get(
    '/v1/dashboard/tasks',
    {
      // Readers of cases, the mission's monitor key among them (its duty officer's view): dashboardPowers().tasks.
      config: { access: can.readCases },
      schema: {
        tags: ['dashboard'],
        summary:
          "Response tasks of every case, most urgent first (overdue, not acknowledged, acknowledged, delivered; then due time), paged, with each actor's counts and the server time",
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            actor: text("A responsible actor's id"),
            state: {
              type: 'string',
              enum: [...taskStates],
              description:
                'overdue (and not delivered), or the status: open (not acknowledged), acknowledged, delivered',
            },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 500 },
            cursor: { type: 'string', maxLength: 400, description: 'The `next` of the previous page, unchanged' },
          },
        },
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            required: ['time', 'items', 'actors'],
            properties: {
              time: { type: 'integer' },
              items: { type: 'array', items: { $ref: 'Task#' } },
              next: { type: 'string', description: 'Cursor of the next page; absent on the last' },
              actors: {
                type: 'array',
                description: "Each responsible actor's tasks by state (only the named actor's when one is named)",
                items: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['actor', 'open', 'acknowledged', 'delivered', 'overdue'],
                  properties: {
                    actor: { type: 'string' },
                    open: { type: 'integer' },
                    acknowledged: { type: 'integer' },
                    delivered: { type: 'integer' },
                    overdue: { type: 'integer' },
                  },
                },
              },
            },
          },
        },
      },
    },
    async (request) => {
      const cw = casework();
      await cw.catchUp();
      const { actor, state, limit, cursor } = request.query;
      const time = deps.operations.clock.now();
      const page = await cw.store.listTasks({
        limit,
        ...(actor === undefined ? {} : { actor }),
        ...(state ? { state } : {}),
        ...(cursor ? { cursor } : {}),
      });
      return { time, ...page };
    },
  );

  // Public regional status: at most one computation per second of wall time, however many people ask.
  const regions = loaded ? new RegionIndex(loaded) : undefined;
  let cached: { wall: number; days: number; body: unknown } | undefined;
  app.get(
    '/v1/public/regions',
    {
      config: { access: 'public' },
      schema: {
        tags: ['public'],
        summary: 'Per region: calm, violations (reported in the window), breach (declared), or response (under way)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { days: { type: 'integer', minimum: 1, maximum: 90, default: 7 } },
        },
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            required: ['time', 'days', 'regions'],
            properties: {
              time: { type: 'integer', description: 'server time, epoch ms' },
              days: { type: 'integer' },
              regions: {
                type: 'array',
                items: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['code', 'name', 'state', 'violations'],
                  properties: {
                    code: { type: 'string', description: 'ISO 3166-2' },
                    name: { type: 'string' },
                    state: { type: 'string', enum: ['calm', 'violations', 'breach', 'response'] },
                    violations: { type: 'integer', description: 'active violations in the window' },
                    lastViolation: { type: 'integer', description: 'epoch ms' },
                  },
                },
              },
            },
          },
        },
      },
    },
    async (request, reply) => {
      if (!regions) return noGeometry(reply);
      const { days } = request.query;
      const now = deps.operations.clock.now();
      const wall = performance.now();
      if (cached && cached.days === days && wall - cached.wall < 1000) return cached.body;
      const violations: Violation[] = [];
      let cursor: string | undefined;
      do {
        const page = await deps.store.listViolations({
          from: now - days * DAY,
          status: 'active',
          limit: 1000,
          ...(cursor ? { cursor } : {}),
        });
        violations.push(...page.items);
        cursor = page.next;
      } while (cursor);
      const cw = casework();
      await cw.catchUp();
      // Every declared breach, newest included, however many cases there are (not a first page of them).
      const cases = await cw.store.declaredBreaches();
      const body = { time: now, days, regions: regionalStatus(regions, { violations, cases }) };
      cached = { wall, days, body };
      return body;
    },
  );
};
