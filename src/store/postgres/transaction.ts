/**
 * Runs `f` in a transaction on a pooled connection: COMMIT on success, ROLLBACK on any error, connection released.
 * `begin` may add statements to the same round trip as BEGIN (the ingest takes its advisory lock there).
 */
import type pg from 'pg';

export async function transaction<T>(pool: pg.Pool, f: (c: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query(begin);
    const r = await f(c);
    await c.query('COMMIT');
    return r;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    c.release();
  }
}
