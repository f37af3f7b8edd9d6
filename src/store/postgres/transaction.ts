/**
 * Runs `f` in a transaction on a pooled connection: COMMIT on success, ROLLBACK on any error, connection released.
 * `begin` may add statements to the same round trip as BEGIN (the ingest takes its advisory lock there, and reads
 * the log's size); `f` gets their results.
 *
 * A checked-out client has no error listener of the pool's (pg-pool removes it at checkout), and a client that emits
 * 'error' with no listener crashes the process: a session ended by the server mid-transaction did exactly that. The
 * listener here records the loss; the transaction then fails as `StoreUnavailableError`, PostgreSQL rolls it back
 * with the session, and the broken client is destroyed rather than returned to the pool.
 */
import type pg from 'pg';
import { isConnectionLoss, translateConnectionLoss } from './connection-loss.js';

export async function transaction<T>(
  pool: pg.Pool,
  f: (c: pg.PoolClient, begun: pg.QueryResult[]) => Promise<T>,
  begin = 'BEGIN',
): Promise<T> {
  let c: pg.PoolClient;
  try {
    c = await pool.connect();
  } catch (e) {
    throw translateConnectionLoss(e);
  }
  let lost: Error | undefined;
  const onError = (e: Error) => {
    lost ??= e;
  };
  c.on('error', onError);
  try {
    const b = (await c.query(begin)) as pg.QueryResult | pg.QueryResult[];
    const r = await f(c, Array.isArray(b) ? b : [b]);
    await c.query('COMMIT');
    return r;
  } catch (e) {
    if (isConnectionLoss(e)) lost ??= e as Error;
    // A client that cannot roll back is not reused either.
    if (lost === undefined)
      await c.query('ROLLBACK').catch((rollbackFailed: unknown) => (lost = rollbackFailed as Error));
    throw translateConnectionLoss(e);
  } finally {
    c.off('error', onError);
    // A client whose session ended is destroyed (release with an error); the pool opens a new one when needed.
    c.release(lost);
  }
}
