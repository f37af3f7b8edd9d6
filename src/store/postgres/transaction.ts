/**
 * Runs `f` in a transaction on a pooled connection: COMMIT on success, ROLLBACK on any error, connection released.
 * `begin` may add statements to the same round trip as BEGIN (the ingest takes its advisory lock there, and reads
 * the log's size); `f` gets their results.
 */
import type pg from 'pg';

export async function transaction<T>(pool: pg.Pool, f: (c: pg.PoolClient, begun: pg.QueryResult[]) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  const c = await pool.connect();
  try {
    const b = (await c.query(begin)) as pg.QueryResult | pg.QueryResult[];
    const r = await f(c, Array.isArray(b) ? b : [b]);
    await c.query('COMMIT');
    return r;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    c.release();
  }
}
