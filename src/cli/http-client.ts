/**
 * The CLI's one HTTP client for a Guarantor server (`replay`, `vote`, `log verify`): one way to reach the server,
 * read its answer and report trouble. Network trouble, or a server that does not answer as the API says, is a
 * `ServerError` (exit code 2): never evidence about the log or a vote, and never mistaken for a refusal the server
 * gave on purpose, which comes back as an `Answer` with its status and error body (docs/api.md, Errors).
 */
import { UsageError } from './usage-error.js';

/** The part of `fetch` the client uses, so tests can answer through `app.inject` instead of a socket. */
export type Fetch = (
  url: string,
  init?: { method?: string; headers?: Record<string, string>; body?: string },
) => Promise<{ status: number; text(): Promise<string> }>;

/** The server could not be reached, or did not answer as the API says. */
export class ServerError extends UsageError {}

/** An answer: its status, its body as text, and the body parsed as JSON when it is JSON (else the text). */
export interface Answer {
  status: number;
  text: string;
  body: unknown;
}

export class HttpClient {
  readonly #base: string;
  readonly #headers: Record<string, string>;

  constructor(
    base: string,
    readonly doFetch: Fetch,
    apiKey?: string,
  ) {
    this.#base = base.endsWith('/') ? base : `${base}/`;
    this.#headers = apiKey ? { authorization: `Bearer ${apiKey}` } : {};
  }

  /** The absolute URL of a path on the server. */
  url(path: string): string {
    return new URL(path.replace(/^\/+/, ''), this.#base).toString();
  }

  /** Sends a request; a JSON `body` is serialised. Throws ServerError only when the server cannot be reached. */
  async request(method: string, path: string, body?: unknown): Promise<Answer> {
    const url = this.url(path);
    const headers = body === undefined ? this.#headers : { ...this.#headers, 'content-type': 'application/json' };
    let res;
    try {
      res = await this.doFetch(url, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    } catch (e) {
      const err = e as Error;
      // Node's fetch wraps the socket error (ECONNREFUSED, ENOTFOUND) as its cause.
      throw new ServerError(`cannot reach ${url}: ${err.cause instanceof Error ? err.cause.message : err.message}`);
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON: the body stays text.
    }
    return { status: res.status, text, body: parsed };
  }

  /** GETs a path that must answer 200; its body as text. */
  async getText(path: string): Promise<string> {
    const a = await this.request('GET', path);
    if (a.status !== 200) throw new ServerError(`GET ${path}: HTTP ${a.status} ${a.text.slice(0, 200)}`);
    return a.text;
  }
}

/** An error answer for people: `code: message` from the catalogue's body, else the body as it came. */
export function errorText(body: unknown): string {
  if (typeof body === 'object' && body !== null && 'message' in body) {
    const b = body as { error?: unknown; message: unknown };
    return `${typeof b.error === 'string' ? b.error : 'error'}: ${String(b.message)}`;
  }
  return String(body);
}
