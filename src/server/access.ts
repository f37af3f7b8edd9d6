/**
 * Access control: every route declares who may call it (`config.access`: `'public'` or a list of roles), and
 * `buildApp` refuses to start if one does not, so a new route cannot be open by accident. Keys arrive as
 * `Authorization: Bearer gk_...`; the principal is the key's actor and role.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { roles, type Role, type Store } from '../core/ports/store.js';
import { keyId, matches } from './api-keys.js';
import { HttpError } from './errors.js';

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
  /** Acknowledge and deliver response tasks (each actor only its own). */
  actOnTasks: ['guarantor', 'monitor'],
  /** Acknowledge sustainment alerts (a guarantor only those about itself). */
  acknowledgeAlerts: ['guarantor', 'analyst', 'admin'],
  administer: ['admin'],
} as const satisfies Record<string, readonly Role[]>;

/**
 * What a role may do, as the dashboard needs it: served by `GET /v1/dashboard/me`, so that web/ shows what the
 * server will answer and keeps no copy of the table.
 */
export function dashboardPowers(role: Role): {
  findings: boolean;
  cases: boolean;
  tasks: boolean;
  actOnTasks: boolean;
  acknowledgeAlerts: boolean;
} {
  const has = (list: readonly Role[]) => list.includes(role);
  return {
    findings: has(can.readFindings),
    cases: has(can.readCases),
    tasks: has(can.readCases) || role === 'monitor',
    actOnTasks: has(can.actOnTasks),
    acknowledgeAlerts: has(can.acknowledgeAlerts),
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
  const key = m[1]!;
  const id = keyId(key);
  const record = id === undefined ? undefined : await store.getApiKey(id);
  if (!record || !matches(key, record)) throw unauthorized('the API key is not valid');
  if (record.revokedAt !== undefined) throw unauthorized(`the API key ${record.id} was revoked`);
  if (!(roles as readonly string[]).includes(record.role))
    throw unauthorized(`the API key ${record.id} has an unknown role`);
  return { keyId: record.id, actor: record.actor, role: record.role };
}

/** Installs the access hook; returns the table of routes and their access, filled as routes register. */
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
