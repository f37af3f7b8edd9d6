// @ts-check
// The dashboard talks to the server over HTTP only: JSON under /v1, `Authorization: Bearer <key>` when signed in.
// The key lives in sessionStorage (this tab) or, when the user asks, localStorage (this device); never in a cookie,
// so no other site can make the browser send it.

const KEY = 'guarantor.key';

export function storedKey() {
  return sessionStorage.getItem(KEY) ?? localStorage.getItem(KEY) ?? '';
}

export function storeKey(key, remember) {
  forgetKey();
  (remember ? localStorage : sessionStorage).setItem(KEY, key);
}

export function forgetKey() {
  sessionStorage.removeItem(KEY);
  localStorage.removeItem(KEY);
}

/** A first-time link `/#key=gk_...` (the fragment never reaches the server): keep it for this tab, clean the URL. */
export function keyFromFragment() {
  const m = /(?:^#|&)key=([^&]+)/.exec(location.hash);
  if (!m) return '';
  const key = decodeURIComponent(m[1]);
  history.replaceState(null, '', location.pathname + location.search);
  return key;
}

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.error ?? 'http';
  }
}

/** GET a JSON resource. The browser revalidates with the ETag itself (the server answers no-cache + ETag). */
export async function get(path, key = storedKey()) {
  const headers = { accept: 'application/json' };
  if (key) headers.authorization = `Bearer ${key}`;
  let res;
  try {
    res = await fetch(path, { headers, cache: 'no-cache' });
  } catch (e) {
    throw new ApiError(0, { error: 'offline', message: `cannot reach the server (${e.message})` });
  }
  const text = await res.text();
  let body;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = { error: 'not-json', message: `the server answered ${res.status} with something that is not JSON` };
  }
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

/** POST, with a JSON body when given; answers the parsed JSON or throws ApiError with the server's reason. */
export async function post(path, body, key = storedKey()) {
  const headers = { accept: 'application/json' };
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method: 'POST', headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  } catch (e) {
    throw new ApiError(0, { error: 'offline', message: `cannot reach the server (${e.message})` });
  }
  const text = await res.text();
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = { error: 'not-json', message: `the server answered ${res.status} with something that is not JSON` };
  }
  if (!res.ok) throw new ApiError(res.status, parsed);
  return parsed;
}

/** Like get, but a 404 (a resource this server does not offer) or 403 (not for this role) gives undefined. */
export async function optional(path, key) {
  try {
    return await get(path, key);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 403)) return undefined;
    throw e;
  }
}

/** Every page of a cursor-paged list, up to `max` items. */
export async function all(path, max = 5000) {
  const items = [];
  let next;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await get(next ? `${path}${sep}cursor=${encodeURIComponent(next)}` : path);
    items.push(...page.items);
    next = page.next;
  } while (next && items.length < max);
  return items;
}
