/**
 * The public face over HTTP (docs/operations/public.md, docs/api.md "Public face"):
 *
 * - `GET /v1/public/status`          public: every region's, zone's and crossing's state, with ETag and Cache-Control
 * - `GET /v1/public/status/compact`  public: one character per region (text/plain), for low-bandwidth clients
 * - `GET /v1/public/cap`             public: an Atom index of current CAP 1.2 alerts
 * - `GET /v1/public/cap/{id}`        public: one CAP 1.2 message (application/cap+xml)
 * - `GET /v1/events`                 public: the live feed as Server-Sent Events; a key adds what its role may see
 * - `PUT /v1/crossings/{id}/state`   keyed: a crossing's authority sets it open, restricted or closed
 * - `/v1/webhooks...`                admin: subscriptions, their deliveries, the dead-letter list, retries
 */
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RoutePlugin } from '../type-provider.js';
import { areaStates } from '../../core/public/area-status.js';
import { capTime } from '../../core/public/cap.js';
import { crossingStates, mayAuthorise } from '../../core/public/crossings.js';
import { eventKinds, type Audience, type WebhookRecord } from '../../core/ports/public.js';
import { actorRolesOf, admits, authenticate, can, notActingFor, type Principal, principalOf } from '../access.js';
import type { Role as ActorRole } from '../../core/spec/vocabulary.js';
import { aggregateCoverage } from '../../core/ledger/view.js';
import { caseworkFor } from '../casework.js';
import { ledgerFor } from '../ledger.js';
import type { ServerDeps } from '../deps.js';
import { sendError } from '../errors.js';
import { makeAsset, sendAsset, type Asset } from '../dashboard/assets.js';
import { PublicFace, type PublicOptions } from '../public/face.js';
import { RateLimiter, type RateLimitOptions } from '../public/rate-limit.js';
import { newSecret } from '../public/webhooks.js';
import { notModified, preparedBody, textBody } from '../openapi.js';

declare module '../deps.js' {
  interface ServerDeps {
    /** The public face's options: status window, CAP sender, feed buffers, webhook retries, background passes. */
    public?: PublicOptions;
    /** Per-address limits of the public routes. */
    rateLimit?: RateLimitOptions;
  }
}

/** CDNs and browsers may keep the status 5 s, and serve it stale for 30 s while they revalidate with the ETag. */
export const statusCache = 'public, max-age=5, stale-while-revalidate=30';
const capCache = 'public, max-age=30';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function audiencesOf(p: Principal | undefined, actorRoles: Readonly<Record<string, ActorRole>>): Set<Audience> {
  const out = new Set<Audience>(['public']);
  if (p && admits(can.readFindings, p, actorRoles)) out.add('findings');
  if (p && admits(can.readCases, p, actorRoles)) out.add('cases');
  return out;
}

const areaStatus = {
  type: 'object',
  additionalProperties: false,
  required: ['code', 'name', 'state', 'since', 'violations', 'cases'],
  properties: {
    code: { type: 'string', description: 'Region code or zone id' },
    name: { type: 'string' },
    state: { type: 'string', enum: [...areaStates] },
    since: { type: 'integer', description: 'When the state last changed, epoch ms' },
    violations: { type: 'integer', description: 'Active violations located here within the window' },
    lastViolation: { type: 'integer' },
    cases: { type: 'integer', description: 'Live cases whose evidence lies here' },
  },
} as const;

/** The status document (core/public/area-status.ts PublicStatus), as the projector stores and this route serves it. */
const publicStatusSchema = {
  type: 'object',
  description: 'The public status (docs/operations/public.md)',
  additionalProperties: false,
  required: ['time', 'window', 'regions', 'zones', 'crossings', 'compact'],
  properties: {
    time: { type: 'integer', description: 'When it was computed, epoch ms' },
    window: { type: 'integer', description: 'The window over which violations count, ms' },
    regions: { type: 'array', items: areaStatus },
    zones: { type: 'array', items: areaStatus },
    crossings: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['code', 'name', 'kind', 'state', 'since', 'cause', 'violations'],
        properties: {
          code: { type: 'string' },
          name: { type: 'string' },
          kind: { type: 'string', enum: ['checkpoint', 'corridor'] },
          state: { type: 'string', enum: [...crossingStates] },
          since: { type: 'integer' },
          cause: { type: 'string', enum: ['authority', 'violations', 'package'] },
          by: { type: 'string', description: 'The actor who set it, when set' },
          reason: { type: 'string' },
          violations: { type: 'integer' },
        },
      },
    },
    compact: { type: 'string', description: 'One digit per region, in regions order: its state index' },
    sustainment: {
      type: 'object',
      description: "The ledger's coverage this month across requirements (aggregate only), when the package has any",
      additionalProperties: false,
      required: ['month', 'coverage', 'short'],
      properties: { month: { type: 'string' }, coverage: { type: 'number' }, short: { type: 'integer' } },
    },
  },
} as const;

const webhookSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'url', 'kinds', 'createdAt', 'createdBy'],
  properties: {
    id: { type: 'string' },
    url: { type: 'string' },
    kinds: { type: 'array', items: { type: 'string', enum: [...eventKinds] } },
    createdAt: { type: 'string', format: 'date-time' },
    createdBy: { type: 'string', description: 'The API key id that subscribed it' },
    removedAt: { type: 'string', format: 'date-time' },
  },
} as const;

const deliverySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['webhook', 'event', 'status', 'attempts', 'nextAt'],
  properties: {
    webhook: { type: 'string' },
    event: { type: 'integer' },
    status: { type: 'string', enum: ['pending', 'delivered', 'dead'] },
    attempts: { type: 'integer' },
    nextAt: { type: 'integer' },
    lastStatus: { type: 'integer', description: "The receiver's last HTTP status" },
    lastError: { type: 'string' },
    deliveredAt: { type: 'integer' },
  },
} as const;

const itemsOf = (item: unknown) =>
  ({
    type: 'object',
    additionalProperties: false,
    required: ['items'],
    properties: { items: { type: 'array', items: item } },
  }) as const;

const webhookView = (w: WebhookRecord) => ({
  id: w.id,
  url: w.url,
  kinds: w.kinds,
  createdAt: new Date(w.createdAt).toISOString(),
  createdBy: w.createdBy,
  ...(w.removedAt === undefined ? {} : { removedAt: new Date(w.removedAt).toISOString() }),
});

export const publicRoutes: RoutePlugin<ServerDeps> = async (app, deps) => {
  const { store } = deps;
  const pkg = deps.operations.model.pkg;
  const clock = deps.operations.clock;
  // The public sees the ledger's aggregate coverage of the month only (issue 17): no guarantor, no pledge.
  const coverage = async () => {
    if (!Object.keys(pkg.sustainment.requirements).length) return undefined;
    const month = new Date(clock.now()).toISOString().slice(0, 7);
    const m = aggregateCoverage(await ledgerFor(store, pkg, clock).view()).find((x) => x.month === month);
    return m && { month: m.month, coverage: Math.round(m.coverage * 1000) / 1000, short: m.short };
  };
  const face = new PublicFace(
    store,
    caseworkFor(store, pkg, clock),
    clock,
    deps.package,
    { coverage, ...deps.public },
    (err, what) => app.log.error({ err }, what),
    deps.ingestRouting,
  );
  const limiter = new RateLimiter(deps.rateLimit);
  app.addHook('onReady', () => face.start());
  // Before the server stops accepting: end the streams, which would otherwise hold `close` open.
  app.addHook('preClose', async () => face.stop());

  // Public routes of this plugin spend a token of the caller's address (429 with Retry-After when none is left).
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config.access !== 'public') return;
    const wait = limiter.take(request.ip, Date.now());
    if (wait > 0)
      return sendError(reply.header('retry-after', String(wait)), 429, {
        error: 'rate-limited',
        message: `too many requests from ${request.ip}; try again in ${wait} s`,
      });
  });

  // The status document as the projector last stored it, as an asset (ETag over the bytes), re-read at most once a
  // second however many clients ask; a CDN in front revalidates with If-None-Match and gets 304.
  let status: { wall: number; seen: number; doc: string; full: Asset; compact: Asset } | undefined;
  const statusAsset = async (): Promise<typeof status> => {
    const wall = performance.now();
    const seen = face.hub.last; // a new event may mean a new status: read it then, not a second later
    if (status && status.seen === seen && wall - status.wall < 1000) return status;
    let stored = await face.ps.publicStatus();
    if (!stored) {
      // The first request after the first start: compute it now rather than make the client retry.
      await face.project().catch(() => 0);
      stored = await face.ps.publicStatus();
    }
    if (!stored) return undefined;
    if (status?.doc !== stored.doc) {
      const s = JSON.parse(stored.doc) as { regions: { code: string }[]; compact: string; time: number };
      const compact = `${s.compact}\n${s.regions.map((r) => r.code).join(',')}\n${new Date(s.time).toISOString()}\n`;
      status = {
        wall,
        seen,
        doc: stored.doc,
        full: makeAsset(stored.doc, 'application/json; charset=utf-8', statusCache),
        compact: makeAsset(compact, 'text/plain; charset=utf-8', statusCache),
      };
    } else {
      status.wall = wall;
      status.seen = seen;
    }
    return status;
  };
  const notYet = (reply: FastifyReply) =>
    sendError(reply.header('retry-after', '1'), 503, {
      error: 'not-ready',
      message: 'the public status has not been computed yet; try again in a second',
    });

  app.get(
    '/v1/public/status',
    {
      ...preparedBody,
      config: { access: 'public' },
      schema: {
        tags: ['public'],
        summary: `Each region, zone and crossing: its state (${areaStates.join(', ')}; crossings ${crossingStates.join(', ')}), since when, and counts; ETag, If-None-Match and Cache-Control for CDNs`,
        response: {
          200: publicStatusSchema,
          304: notModified,
          429: { description: 'Too many requests from this address: wait Retry-After seconds', $ref: 'Error#' },
        },
      },
    },
    async (request, reply) => {
      const s = await statusAsset();
      return s ? sendAsset(request, reply, s.full) : notYet(reply);
    },
  );

  app.get(
    '/v1/public/status/compact',
    {
      config: { access: 'public' },
      schema: {
        tags: ['public'],
        summary: `Three lines of text: one digit per region (${areaStates.map((s, i) => `${i} ${s}`).join(', ')}), the region codes in that order, and when the status last changed`,
        response: {
          200: textBody('text/plain', 'The compact status'),
          304: notModified,
          429: { description: 'Too many requests from this address: wait Retry-After seconds', $ref: 'Error#' },
        },
      },
    },
    async (request, reply) => {
      const s = await statusAsset();
      return s ? sendAsset(request, reply, s.compact) : notYet(reply);
    },
  );

  const base = (request: FastifyRequest) => `${request.protocol}://${request.host}`;

  app.get(
    '/v1/public/cap',
    {
      config: { access: 'public' },
      schema: {
        tags: ['public'],
        summary:
          'An Atom feed of current CAP 1.2 alerts: the latest message of each case still live, and cancellations of the last 24 hours',
        response: {
          200: textBody('application/atom+xml', 'An Atom feed (RFC 4287)'),
          304: notModified,
          429: { description: 'Too many requests from this address: wait Retry-After seconds', $ref: 'Error#' },
        },
      },
    },
    async (request, reply) => {
      const now = clock.now();
      const items = await face.ps.currentCap(now - 24 * 3600_000, 500);
      const updated = items.length ? Math.max(...items.map((i) => i.message.sent)) : now;
      const root = base(request);
      const entries = items.map(({ message: m }) =>
        [
          '  <entry>',
          `    <id>urn:guarantor:cap:${esc(m.identifier)}</id>`,
          `    <title>${esc(`${m.msgType}: ${m.info.headline}`)}</title>`,
          `    <updated>${capTime(m.sent)}</updated>`,
          `    <summary>${esc(m.info.description)}</summary>`,
          `    <link rel="alternate" type="application/cap+xml" href="${esc(`${root}/v1/public/cap/${encodeURIComponent(m.identifier)}`)}"/>`,
          '  </entry>',
        ].join('\n'),
      );
      const xml = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        `  <id>urn:guarantor:cap:${esc(pkg.package)}</id>`,
        `  <title>${esc(`${pkg.title}: CAP alerts`)}</title>`,
        `  <updated>${capTime(updated)}</updated>`,
        `  <author><name>${esc(`Guarantor: ${pkg.title}`)}</name></author>`,
        `  <link rel="self" href="${esc(`${root}/v1/public/cap`)}"/>`,
        ...entries,
        '</feed>',
        '',
      ].join('\n');
      return sendAsset(request, reply, makeAsset(xml, 'application/atom+xml; charset=utf-8', capCache));
    },
  );

  app.get(
    '/v1/public/cap/:id',
    {
      config: { access: 'public' },
      schema: {
        tags: ['public'],
        summary: 'One CAP 1.2 message, as XML valid against the OASIS schema',
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 200 } }, required: ['id'] },
        response: {
          200: textBody('application/cap+xml', 'A CAP 1.2 alert (OASIS)'),
          304: notModified,
          404: { $ref: 'Error#' },
          429: { description: 'Too many requests from this address: wait Retry-After seconds', $ref: 'Error#' },
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const m = await face.ps.getCap(id);
      if (!m) return sendError(reply, 404, { error: 'not-found', message: `no CAP message ${id}` });
      // A message never changes once sent: it may be kept for a day.
      return sendAsset(
        request,
        reply,
        makeAsset(m.xml, 'application/cap+xml; charset=utf-8', 'public, max-age=86400, immutable'),
      );
    },
  );

  app.get(
    '/v1/events',
    {
      config: { access: 'public' },
      schema: {
        tags: ['public'],
        summary:
          'The live feed (Server-Sent Events): status and cap events for everyone; with a key, violation events (analyst, member, admin) and case events (analyst, member, guarantor, admin). Resume with Last-Event-ID; a client resuming from before the retention kept first gets a `gap` event',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            after: {
              type: 'integer',
              minimum: 0,
              description: 'Resume after this event id (for clients that cannot send Last-Event-ID)',
            },
          },
        },
        response: {
          200: textBody(
            'text/event-stream',
            'Server-Sent Events: id, event (status, cap, case, violation), data (JSON)',
          ),
          401: {
            description: 'An Authorization header with an unknown or revoked key (the feed is public without one)',
            $ref: 'Error#',
          },
          429: { description: 'Too many live-feed streams from this address', $ref: 'Error#' },
        },
      },
    },
    async (request, reply) => {
      const header = request.headers['last-event-id'];
      const text = Array.isArray(header) ? header[0] : header;
      if (text !== undefined && !/^\d{1,15}$/.test(text.trim()))
        return sendError(reply, 400, {
          error: 'invalid-last-event-id',
          message: `Last-Event-ID must be an event id (a non-negative integer), not "${text.slice(0, 40)}"`,
        });
      const after = text !== undefined ? Number(text.trim()) : request.query.after;
      const principal = request.headers.authorization
        ? await authenticate(store, request.headers.authorization)
        : undefined;
      if (!limiter.openStream(request.ip)) {
        return sendError(reply.header('retry-after', '10'), 429, {
          error: 'too-many-streams',
          message: `${request.ip} already holds ${limiter.streamsPerAddress} live-feed streams`,
        });
      }
      reply.hijack();
      const res = reply.raw;
      res.on('close', () => limiter.closeStream(request.ip));
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no', // nginx: pass events on as they come
        'x-content-type-options': 'nosniff',
      });
      res.write(`retry: 2000\n: guarantor live feed; last event ${face.hub.last}\n\n`);
      await face.hub.attach(res, audiencesOf(principal, actorRolesOf(pkg)), after);
    },
  );

  // Crossings: the package's authority for a crossing sets its state; violations in it may make it more restrictive.
  const crossings = new Map(face.projector.crossings.map((c) => [c.id, c]));
  const actorRoles = actorRolesOf(pkg);
  app.put(
    '/v1/crossings/:id/state',
    {
      config: { access: can.setCrossings },
      schema: {
        tags: ['public'],
        summary:
          "Set a crossing open, restricted or closed; only a key that acts for an actor the package names as the crossing's authority may",
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 100 } }, required: ['id'] },
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['state'],
          properties: {
            state: { type: 'string', enum: [...crossingStates] },
            reason: { type: 'string', maxLength: 500 },
          },
        },
        response: {
          202: {
            type: 'object',
            additionalProperties: false,
            required: ['crossing', 'state', 'at', 'by'],
            properties: {
              crossing: { type: 'string' },
              state: { type: 'string', enum: [...crossingStates] },
              at: { type: 'integer' },
              by: { type: 'string' },
            },
          },
          403: {
            description:
              "not-authority: the key acts for an actor the package does not name for this crossing; role-not-for-actor: the key's role does not act for that actor",
            $ref: 'Error#',
          },
          404: { $ref: 'Error#' },
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const plan = crossings.get(id);
      if (!plan)
        return sendError(reply, 404, { error: 'not-found', message: `the package declares no crossing ${id}` });
      const p = principalOf(request);
      if (!mayAuthorise(plan, p.actor)) {
        return sendError(reply, 403, {
          error: 'not-authority',
          message: `${p.actor} is not an authority of crossing ${id} (the package names: ${plan.authority.join(', ') || 'none'})`,
        });
      }
      const why = notActingFor(p, p.actor, actorRoles);
      if (why)
        return sendError(reply, 403, {
          error: 'role-not-for-actor',
          message: `a ${p.role} key may not set crossing ${id} for ${p.actor}: ${why}`,
        });
      const body = request.body;
      const at = clock.now();
      await face.ps.addCrossingSetting({
        crossing: id,
        state: body.state,
        at,
        by: p.actor,
        keyId: p.keyId,
        ...(body.reason ? { reason: body.reason } : {}),
      });
      void face.project().catch(() => undefined);
      return reply.code(202).send({ crossing: id, state: body.state, at, by: p.actor });
    },
  );

  // Webhooks (admin).
  const hookParams = {
    type: 'object',
    properties: { id: { type: 'string', maxLength: 100 } },
    required: ['id'],
  } as const;
  app.post(
    '/v1/webhooks',
    {
      config: { access: can.administer },
      schema: {
        tags: ['admin'],
        summary: 'Subscribe a URL to event kinds; answers the signing secret once',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['url', 'kinds'],
          properties: {
            url: { type: 'string', maxLength: 2000 },
            kinds: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: [...eventKinds] } },
          },
        },
        response: {
          201: {
            ...webhookSchema,
            required: [...webhookSchema.required, 'secret'],
            properties: {
              ...webhookSchema.properties,
              secret: { type: 'string', description: 'The signing secret (whsec_ + base64), shown this once' },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      let url: URL;
      try {
        url = new URL(body.url);
      } catch {
        return sendError(reply, 400, {
          error: 'invalid-body',
          message: 'url is not an absolute URL',
          problems: [{ path: 'url', reason: 'not an absolute URL' }],
        });
      }
      if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        return sendError(reply, 400, {
          error: 'invalid-body',
          message: 'url must be http or https',
          problems: [{ path: 'url', reason: `scheme ${url.protocol} is not http or https` }],
        });
      }
      if (url.username || url.password) {
        return sendError(reply, 400, {
          error: 'invalid-body',
          message: 'url must not hold credentials',
          problems: [
            { path: 'url', reason: 'credentials in a URL end up in logs; authenticate the signature instead' },
          ],
        });
      }
      const w: WebhookRecord = {
        id: `wh_${randomBytes(8).toString('hex')}`,
        url: url.toString(),
        secret: newSecret(),
        kinds: body.kinds,
        createdAt: clock.now(),
        createdBy: principalOf(request).keyId,
      };
      await face.ps.createWebhook(w);
      return reply.code(201).send({ ...webhookView(w), secret: w.secret });
    },
  );

  app.get(
    '/v1/webhooks',
    {
      config: { access: can.administer },
      schema: {
        tags: ['admin'],
        summary: 'Every webhook subscription (never its secret)',
        response: { 200: itemsOf(webhookSchema) },
      },
    },
    async () => ({
      items: (await face.ps.listWebhooks()).map(webhookView),
    }),
  );

  app.get(
    '/v1/webhooks/:id',
    {
      config: { access: can.administer },
      schema: {
        tags: ['admin'],
        summary: 'One subscription',
        params: hookParams,
        response: { 200: webhookSchema, 404: { $ref: 'Error#' } },
      },
    },
    async (request, reply) => {
      const w = await face.ps.getWebhook(request.params.id);
      return w
        ? webhookView(w)
        : sendError(reply, 404, { error: 'not-found', message: `no webhook ${request.params.id}` });
    },
  );

  app.delete(
    '/v1/webhooks/:id',
    {
      config: { access: can.administer },
      schema: {
        tags: ['admin'],
        summary: 'Unsubscribe: pending deliveries are dropped; delivered and dead ones stay listed',
        params: hookParams,
        response: { 204: { description: 'Unsubscribed', type: 'null' }, 404: { $ref: 'Error#' } },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      return (await face.ps.removeWebhook(id, clock.now()))
        ? reply.code(204).send()
        : sendError(reply, 404, { error: 'not-found', message: `no active webhook ${id}` });
    },
  );

  app.get(
    '/v1/webhooks/:id/deliveries',
    {
      config: { access: can.administer },
      schema: {
        tags: ['admin'],
        summary: 'Deliveries of a webhook, newest event first; status=dead is the dead-letter list',
        params: hookParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: { type: 'string', enum: ['pending', 'delivered', 'dead'] },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
        },
        response: { 200: itemsOf(deliverySchema), 404: { $ref: 'Error#' } },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      if (!(await face.ps.getWebhook(id)))
        return sendError(reply, 404, { error: 'not-found', message: `no webhook ${id}` });
      const q = request.query;
      return { items: await face.ps.listDeliveries(id, q.status, q.limit) };
    },
  );

  app.post(
    '/v1/webhooks/:id/deliveries/:event/retry',
    {
      config: { access: can.administer },
      schema: {
        tags: ['admin'],
        summary: 'Send a dead delivery again (same event id, so the receiver can tell a retry)',
        params: {
          type: 'object',
          properties: { id: { type: 'string', maxLength: 100 }, event: { type: 'integer', minimum: 1 } },
          required: ['id', 'event'],
        },
        response: {
          202: {
            type: 'object',
            additionalProperties: false,
            required: ['webhook', 'event', 'status'],
            properties: {
              webhook: { type: 'string' },
              event: { type: 'integer' },
              status: { type: 'string', enum: ['pending'] },
            },
          },
          404: { $ref: 'Error#' },
        },
      },
    },
    async (request, reply) => {
      const { id, event } = request.params;
      if (!(await face.ps.retryDelivery(id, event, clock.now())))
        return sendError(reply, 404, {
          error: 'not-found',
          message: `webhook ${id} has no dead delivery of event ${event}`,
        });
      return reply.code(202).send({ webhook: id, event, status: 'pending' });
    },
  );
};
