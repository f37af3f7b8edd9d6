/**
 * Losing the database is not a bug: PostgreSQL restarts and fails over, an administrator ends a session, a network
 * drops, `idle_in_transaction_session_timeout` ends a server that stalled mid-batch. Such errors become
 * `StoreUnavailableError` (503 with Retry-After); anything else stays what it was.
 */
import { StoreUnavailableError } from '../../core/ports/store.js';

/** SQLSTATE classes and codes that mean the session, not the statement, failed (PostgreSQL appendix A). */
const SESSION_ENDED = new Set(['57P01', '57P02', '57P03', '57P05', '25P03', '53300']);
const NODE_NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const DRIVER_MESSAGES =
  /Connection terminated|connection error|Client was closed|timeout exceeded when trying to connect|Client has encountered a connection error|Cannot use a pool after calling end/i;

export function isConnectionLoss(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (code.startsWith('08') || SESSION_ENDED.has(code) || NODE_NETWORK.has(code)) return true;
  }
  return DRIVER_MESSAGES.test(e.message);
}

/** The error a caller sees: `StoreUnavailableError` for a lost connection, the error itself otherwise. */
export function translateConnectionLoss(e: unknown): unknown {
  if (e instanceof StoreUnavailableError || !isConnectionLoss(e)) return e;
  const why = e instanceof Error ? e.message : String(e);
  return new StoreUnavailableError(
    `the database connection was lost (${why}); nothing half-stored: send the request again`,
  );
}
