/**
 * The catalogue of HTTP error codes: every `error` a 4xx or 5xx answer can carry, with its status and what it means.
 * It is data, so that it types every error the server sends (`sendError`, `HttpError`), lists the codes in the
 * `Error` schema, declares OpenAPI responses (`errorResponses`), and is checked against docs/api.md
 * (error-codes.test.ts). A new code goes here first, then into docs/api.md's "Errors" table.
 */

interface ErrorEntry {
  readonly status: number;
  readonly meaning: string;
}

export const httpErrors = {
  // The request itself.
  'invalid-body': {
    status: 400,
    meaning:
      'the body is not JSON (or a line of NDJSON is not), is empty, has the wrong shape, or holds text that is not Unicode or a number beyond a 64-bit float',
  },
  'body-too-deep': {
    status: 400,
    meaning: 'the body (or a line of NDJSON) nests arrays and objects more than 32 deep; it was not read',
  },
  'invalid-querystring': {
    status: 400,
    meaning: 'a query parameter fails the route schema (unknown, missing, wrong type) or is not a time',
  },
  'invalid-params': {
    status: 400,
    meaning: 'a path parameter fails the route schema, or names no member of the judgment body',
  },
  'invalid-headers': { status: 400, meaning: 'a header fails the route schema' },
  'invalid-query': {
    status: 400,
    meaning: 'a filter or cursor the store cannot answer, or log-entry parameters that do not go together',
  },
  'invalid-observations': {
    status: 400,
    meaning: 'an observation in the batch fails the schema or the package checks; nothing was stored',
  },
  'private-key': {
    status: 400,
    meaning: 'a private key was sent where a public key belongs; it was not stored, and the pair should be replaced',
  },
  'invalid-vkey': { status: 400, meaning: 'a witness verifier key is not a valid Ed25519 vkey' },
  'invalid-cosignature': {
    status: 400,
    meaning: 'a cosigned checkpoint note does not parse or carries no valid cosignature from a registered witness',
  },
  'invalid-alarm': {
    status: 400,
    meaning:
      "a witness alarm is malformed, names no registered witness, or its signature does not verify under that witness's key",
  },
  'body-too-large': { status: 413, meaning: 'the body is over the size limit (16 MiB by default)' },
  'batch-too-large': { status: 413, meaning: 'the batch holds more observations than the limit (10,000 by default)' },
  'unsupported-media-type': {
    status: 415,
    meaning: 'the content type is not one the route accepts (JSON, NDJSON, or text for notes)',
  },
  'invalid-pledges': {
    status: 400,
    meaning:
      'a ledger pledge or withdrawal in the batch is invalid (each named by index and field); nothing was stored',
  },
  'invalid-deliveries': {
    status: 400,
    meaning: 'a ledger delivery in the batch is invalid (each named by index and field); nothing was stored',
  },
  'invalid-inspection': {
    status: 400,
    meaning:
      'an inspection request names a source that does not inspect on request, a zone it does not cover, or no note; nothing was stored',
  },
  'invalid-last-event-id': {
    status: 400,
    meaning: 'the live feed was asked to resume after something that is not an event id',
  },
  // Who is asking.
  unauthorized: { status: 401, meaning: 'no API key, or a key that is unknown, revoked or malformed' },
  forbidden: { status: 403, meaning: "the key's role may not call this route" },
  'forbidden-source': {
    status: 403,
    meaning: 'a key bound to an actor submitted for a source another actor operates; nothing was stored',
  },
  'forbidden-guarantor': {
    status: 403,
    meaning: 'a key acting for a guarantor reported or acknowledged for another guarantor; nothing was stored',
  },
  'role-not-for-actor': {
    status: 403,
    meaning:
      "the key is not of the role that acts for the actor (a guarantor's tasks and crossings take a guarantor key, a monitor's a monitor key), or is bound to no actor",
  },
  'forbidden-section': {
    status: 403,
    meaning: "the daily report's `sections` asks for one the key's role may not see",
  },
  'not-authority': {
    status: 403,
    meaning: "a crossing's state was set by an actor the package does not name as its authority",
  },
  // Abuse of the public routes (docs/operations/public.md "Abuse").
  'rate-limited': {
    status: 429,
    meaning: 'the client address has spent its requests to the public routes; `Retry-After` says when to ask again',
  },
  'too-many-streams': {
    status: 429,
    meaning: 'the client address holds as many live-feed streams as it may (8 by default)',
  },
  // What is asked for.
  'not-found': {
    status: 404,
    meaning:
      'no such route, or no record with that id (case, incident, violation, observation, key, member key, checkpoint, log entry, task)',
  },
  'member-has-key': {
    status: 409,
    meaning: 'the member already holds an active key; registering another needs `rotate: true`, which revokes it',
  },
  'member-key-taken': {
    status: 409,
    meaning: 'the public key was registered before: for another member, or for this one and revoked',
  },
  'already-revoked': { status: 409, meaning: 'the API key or member key was already revoked' },
  'id-conflict': { status: 409, meaning: 'a ledger record id is already the id of another record; nothing was stored' },
  'live-clock': {
    status: 409,
    meaning:
      'the server runs the live clock: only a replay server (`serve --clock event`) lets replayed events move it',
  },
  'invalid-time': { status: 400, meaning: 'a clock time is not ISO 8601 with Z or an offset' },
  'checkpoint-mismatch': {
    status: 409,
    meaning: 'the cosigned checkpoint is not the text the log signed at that size',
  },
  'witness-exists': {
    status: 409,
    meaning: 'a witness of that name is registered with another key; a new key registers under a new name',
  },
  // Transparency-log proofs (core/tlog TlogError codes, RFC 9162 §2.1.3, §2.1.4).
  'bad-size': { status: 400, meaning: 'a tree size beyond the log, or not a size at all' },
  'index-out-of-range': { status: 400, meaning: 'a leaf index not below the tree size asked about' },
  'size-out-of-order': { status: 400, meaning: 'a consistency proof from a larger size to a smaller one' },
  // Signed votes (docs/operations/judgment.md): the statement and signature, then the judgment rules.
  'vote-malformed': { status: 400, meaning: 'the statement or signature does not parse' },
  'vote-not-canonical': { status: 400, meaning: 'the statement is not in canonical form' },
  'vote-wrong-package': { status: 400, meaning: 'the statement names another package or version' },
  'vote-wrong-case': { status: 400, meaning: 'the statement names another case than the URL' },
  'vote-stale': { status: 400, meaning: 'the statement was signed outside the accepted window' },
  'vote-unknown-member': { status: 403, meaning: 'the statement names a member with no registered key' },
  'vote-wrong-member': { status: 403, meaning: "the statement names another member than the caller's key" },
  'vote-bad-signature': { status: 403, meaning: "the signature does not verify under the member's key" },
  'vote-replayed': { status: 409, meaning: 'this signed statement (its nonce) was already used' },
  'vote-not-a-member': { status: 403, meaning: 'the voter is not a member of the judgment body' },
  'vote-recused': { status: 403, meaning: 'the member is recused from this case (a party to it)' },
  'vote-before-open': { status: 409, meaning: 'the judgment is not open yet' },
  'vote-after-deadline': { status: 409, meaning: 'the judgment deadline has passed' },
  'vote-decided': { status: 409, meaning: 'the judgment is already decided' },
  'vote-unknown-choice': { status: 409, meaning: 'the choice is not one the judgment rule offers' },
  // Response tasks (docs/operations/responses.md).
  'task-not-yours': { status: 403, meaning: "the task belongs to another actor than the caller's key" },
  'task-bad-note': { status: 400, meaning: 'the delivery note is empty or too long' },
  'task-bad-evidence': { status: 400, meaning: 'an evidence item is not a sha256: hash' },
  'task-already-delivered': { status: 409, meaning: 'the task was already delivered' },
  'task-already-acknowledged': { status: 409, meaning: 'the task was already acknowledged' },
  // The server.
  'not-ready': {
    status: 503,
    meaning: 'the public status has not been computed yet (another server holds the projection); `Retry-After: 1`',
  },
  'no-package': {
    status: 503,
    meaning:
      'the server was started without the loaded package, so the map, analysis and regional status are unavailable',
  },
  'pdf-unavailable': {
    status: 503,
    meaning: 'a PDF report was asked of a server without Chromium (the Debian package `chromium`)',
  },
  'pdf-busy': {
    status: 503,
    meaning:
      'as many PDF reports as the server prints at once are being printed (each starts a browser); `Retry-After` says when to ask again',
  },
  unavailable: {
    status: 503,
    meaning:
      'not done through no fault of the request (a failed commit before it, the SQLite writer restarting); Retry-After: 1, send it again',
  },
  internal: { status: 500, meaning: 'the server failed; the failure is logged, and nothing of the request was stored' },
} as const satisfies Record<string, ErrorEntry>;

export type HttpErrors = typeof httpErrors;
export type ErrorCode = keyof HttpErrors;
/** The status a code is sent with. */
export type StatusOf<C extends ErrorCode> = HttpErrors[C]['status'];

export const errorCodes = Object.keys(httpErrors) as ErrorCode[];

export function statusOf<C extends ErrorCode>(code: C): StatusOf<C> {
  return httpErrors[code].status;
}

/**
 * OpenAPI response declarations for a route that can answer with these codes: one entry per status, its
 * description listing each code and meaning, the body the shared `Error` schema.
 */
export function errorResponses(
  ...codes: readonly ErrorCode[]
): Record<string, { description: string; $ref: 'Error#' }> {
  const out: Record<string, { description: string; $ref: 'Error#' }> = {};
  for (const code of codes) {
    const { status, meaning } = httpErrors[code];
    const line = `\`${code}\`: ${meaning}`;
    const prev = out[status];
    out[status] = { description: prev ? `${prev.description}; ${line}` : line, $ref: 'Error#' };
  }
  return out;
}
