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

/**
 * Who a route admits: a role, or `mission`: a `monitor` key bound to the monitoring mission (a package actor whose
 * role is `monitor`), which reads what the mission's day runs on (cases, findings, tasks, the ledger, the report),
 * so that the mission's duty officer needs one key. Other monitor keys (a guarantor's feed, the operator's `*`)
 * only submit. Raw observations stay the analysts' and admins' (`readRaw`); open votes stay sealed for everyone.
 */
export type Reader = Role | 'mission';
export type Access = 'public' | readonly Reader[];

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
  readFindings: ['analyst', 'member', 'admin', 'mission'],
  readCases: ['analyst', 'member', 'guarantor', 'admin', 'mission'],
  /** Acknowledge and deliver response tasks: each key only for its own actor, if it `actsFor` it. */
  actOnTasks: ['guarantor', 'monitor', 'party'],
  /** Set a crossing's state: a key that `actsFor` an actor the package names as the crossing's authority. */
  setCrossings: ['guarantor', 'monitor', 'party'],
  /** Acknowledge sustainment alerts (a guarantor only those about itself). */
  acknowledgeAlerts: ['guarantor', 'analyst', 'admin'],
  administer: ['admin'],
  /** Read every sealed record of the log (observations, open cases' votes) and re-verify it (docs/tlog.md). */
  audit: ['auditor'],
} as const satisfies Record<string, readonly Reader[]>;

/** Whether a key is a monitor key of the monitoring mission (bound to an actor whose package role is `monitor`). */
export function isMission(
  p: Pick<Principal, 'actor' | 'role'> | null,
  actorRoles: Readonly<Record<string, ActorRole>>,
): boolean {
  return p !== null && p.role === 'monitor' && actsFor(p, p.actor, actorRoles);
}

/** Whether `list` admits the key: by its role, or as the mission's monitor key. */
export function admits(
  list: readonly Reader[],
  p: Pick<Principal, 'actor' | 'role'> | null,
  actorRoles: Readonly<Record<string, ActorRole>>,
): boolean {
  if (p === null) return false;
  return list.includes(p.role) || (list.includes('mission') && isMission(p, actorRoles));
}

/** A role list as words, for messages: `mission` is "the mission's monitor". */
export function readersText(list: readonly Reader[]): string {
  return list.map((r) => (r === 'mission' ? "the mission's monitor" : r)).join(', ');
}

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
  const has = (list: readonly Reader[]) => admits(list, p, actorRoles);
  return {
    findings: has(can.readFindings),
    cases: has(can.readCases),
    tasks: has(can.readCases),
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

/** The caller of a route behind the key check (the access hook sets it before the handler runs). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal)
    throw new Error(
      `${request.method} ${request.routeOptions.url}: no principal: the route is not behind the key check`,
    );
  return request.principal;
}

/**
 * Installs the access hook; returns the table of routes and their access, filled as routes register. `actorRoles`
 * (the package's actors) tells the mission's monitor keys from the others.
 */
export function installAccess(
  app: FastifyInstance,
  store: Store,
  publicPrefixes: readonly string[],
  actorRoles: Readonly<Record<string, ActorRole>> = {},
): RouteAccess[] {
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
    if (!admits(access, principal, actorRoles)) {
      const who = `${/^[aeiou]/.test(principal.role) ? 'an' : 'a'} ${principal.role} key`;
      const missions = Object.keys(actorRoles).filter((a) => actorRoles[a] === 'monitor');
      // A monitor key not bound to the mission: say which binding reads, rather than only list roles.
      const why =
        principal.role === 'monitor' && access.includes('mission')
          ? `; a monitor key reads it only when bound to the monitoring mission (${missions.join(', ') || 'none in this package'}), and this one is bound to ${principal.actor === '*' ? 'no actor (*)' : principal.actor}`
          : '';
      throw new HttpError(403, {
        error: 'forbidden',
        message: `${who} may not call ${request.method} ${request.routeOptions.url}; it needs one of: ${readersText(access)}${why}`,
      });
    }
    request.principal = principal;
  });
  return table;
}
