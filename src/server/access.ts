/**
 * Access control: every route declares who may call it (`config.access`: `'public'` or a list of roles), and
 * `buildApp` refuses to start if one does not, so a new route cannot be open by accident. Keys arrive as
 * `Authorization: Bearer gk_...`; the principal is the key's actor and role.
 *
 * A key's role says what it may do; its actor, on whose behalf. Acting for an actor (its response tasks, its
 * pledges, its alerts, the crossings it is the authority of) needs both: a key bound to that actor, of the role that
 * acts for that kind of actor (`actsFor`). So a US satellite feed's `monitor` key submits US observations but never
 * acknowledges the US's response tasks.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { roles, type Role, type Store } from '../core/ports/store.js';
import type { Package } from '../core/spec/schema.js';
import type { Role as ActorRole } from '../core/spec/vocabulary.js';
import { keyId, matches } from './api-keys.js';
import { HttpError } from './errors.js';
import { itemAt } from '../core/item-at.js';

export type Access = 'public' | readonly Role[];

export interface Principal {
  keyId: string;
  actor: string;
  role: Role;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** Role lists used by routes, so that the matrix is read in one place. */
export const can = {
  submit: ['monitor'],
  readRaw: ['analyst', 'admin'],
  readFindings: ['analyst', 'member', 'admin'],
  readCases: ['analyst', 'member', 'guarantor', 'admin'],
  /** Acknowledge and deliver response tasks: each key only for its own actor, if it `actsFor` it. */
  actOnTasks: ['guarantor', 'monitor', 'party'],
  /** Set a crossing's state: a key that `actsFor` an actor the package names as the crossing's authority. */
  setCrossings: ['guarantor', 'monitor', 'party'],
  /** Acknowledge sustainment alerts (a guarantor only those about itself). */
  acknowledgeAlerts: ['guarantor', 'analyst', 'admin'],
  administer: ['admin'],
  /** Read every sealed record of the log (observations, open cases' votes) and re-verify it (docs/tlog.md). */
  audit: ['auditor'],
} as const satisfies Record<string, readonly Role[]>;

/** Each package actor's role, as `actsFor` reads it. */
export function actorRolesOf(pkg: Pick<Package, 'actors'>): Record<string, ActorRole> {
  return Object.fromEntries(Object.entries(pkg.actors).map(([id, a]) => [id, a.role]));
}

/**
 * The key role that acts for an actor of a package role: a monitoring mission's own duties (its public reports,
 * inspections) take a `monitor` key, a party's (to the conflict, or protected) a `party` key, every other actor's
 * (a guarantor's, a force's, a coalition's, a mediator's, a body's) a `guarantor` key.
 */
export function actingRole(actorRole: ActorRole): Role {
  if (actorRole === 'monitor') return 'monitor';
  if (actorRole === 'party' || actorRole === 'protected') return 'party';
  return 'guarantor';
}

/** Whether a key acts for `actor`: bound to exactly that package actor, and of the role that acts for its kind. */
export function actsFor(
  p: Pick<Principal, 'actor' | 'role'> | null,
  actor: string,
  actorRoles: Readonly<Record<string, ActorRole>>,
): boolean {
  const kind = Object.hasOwn(actorRoles, actor) ? actorRoles[actor] : undefined;
  return p !== null && kind !== undefined && p.actor === actor && p.role === actingRole(kind);
}

/** Why a key does not act for `actor`, for a 403's message; undefined when it does. */
export function notActingFor(
  p: Pick<Principal, 'actor' | 'role'>,
  actor: string,
  actorRoles: Readonly<Record<string, ActorRole>>,
): string | undefined {
  if (actsFor(p, actor, actorRoles)) return undefined;
  const kind = Object.hasOwn(actorRoles, actor) ? actorRoles[actor] : undefined;
  if (p.actor === '*') return `this ${p.role} key is bound to no actor`;
  if (p.actor !== actor) return `this key acts for ${p.actor === '*' ? 'no actor' : p.actor}, not for ${actor}`;
  if (kind === undefined) return `the package names no actor ${actor}`;
  return `${actor} is a ${kind}: it acts through a ${actingRole(kind)} key, and this key's role is ${p.role}`;
}

/**
 * What a key may do, as the dashboard needs it: served by `GET /v1/dashboard/me`, so that web/ shows what the
 * server will answer and keeps no copy of the table.
 */
export function dashboardPowers(
  p: Pick<Principal, 'actor' | 'role'>,
  actorRoles: Readonly<Record<string, ActorRole>>,
): {
  findings: boolean;
  cases: boolean;
  tasks: boolean;
  actOnTasks: boolean;
  acknowledgeAlerts: boolean;
} {
  const has = (list: readonly Role[]) => list.includes(p.role);
  return {
    findings: has(can.readFindings),
    cases: has(can.readCases),
    tasks: has(can.readCases) || p.role === 'monitor',
    actOnTasks: has(can.actOnTasks) && actsFor(p, p.actor, actorRoles),
    // A guarantor key acknowledges only alerts about its own actor, so it needs one; analysts and admins any.
    acknowledgeAlerts: has(can.acknowledgeAlerts) && (p.role !== 'guarantor' || actsFor(p, p.actor, actorRoles)),
  };
}

export interface RouteAccess {
  method: string;
  url: string;
  access: Access;
}

const unauthorized = (message: string) => new HttpError(401, { error: 'unauthorized', message });

export async function authenticate(store: Store, header: string | undefined): Promise<Principal> {
  if (!header) throw unauthorized('this endpoint needs an API key: send `Authorization: Bearer <key>`');
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) throw unauthorized('the Authorization header must be `Bearer <key>`');
  const key = itemAt(m, 1);
  const id = keyId(key);
  const record = id === undefined ? undefined : await store.getApiKey(id);
  if (!record || !matches(key, record)) throw unauthorized('the API key is not valid');
  if (record.revokedAt !== undefined) throw unauthorized(`the API key ${record.id} was revoked`);
  if (!(roles as readonly string[]).includes(record.role))
    throw unauthorized(`the API key ${record.id} has an unknown role`);
  return { keyId: record.id, actor: record.actor, role: record.role };
}

/** Installs the access hook; returns the table of routes and their access, filled as routes register. */
/** The caller of a route behind the key check (the access hook sets it before the handler runs). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal)
    throw new Error(
      `${request.method} ${request.routeOptions.url}: no principal: the route is not behind the key check`,
    );
  return request.principal;
}

export function installAccess(app: FastifyInstance, store: Store, publicPrefixes: readonly string[]): RouteAccess[] {
  const table: RouteAccess[] = [];
  app.decorateRequest('principal', null);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (publicPrefixes.some((p) => route.url === p || route.url.startsWith(p + '/'))) {
      route.config = { ...(route.config ?? {}), access: 'public' };
    }
    const access = route.config?.access;
    if (access === undefined)
      throw new Error(
        `route ${methods.join(',')} ${route.url} declares no access (config.access: 'public' or a list of roles)`,
      );
    for (const method of methods) if (method !== 'HEAD') table.push({ method, url: route.url, access });
  });
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const access = request.routeOptions.config.access;
    if (access === undefined || access === 'public') return;
    const principal = await authenticate(store, request.headers.authorization);
    if (!access.includes(principal.role)) {
      throw new HttpError(403, {
        error: 'forbidden',
        message: `${/^[aeiou]/.test(principal.role) ? 'an' : 'a'} ${principal.role} key may not call ${request.method} ${request.routeOptions.url}; it needs one of: ${access.join(', ')}`,
      });
    }
    request.principal = principal;
  });
  return table;
}
