/**
 * The connection pool every PostgreSQL adapter uses. Its `query` reports a lost connection as
 * `StoreUnavailableError` (connection-loss.ts), so a read during a restart answers 503, not 500; pg-pool already
 * listens for errors on the client it checks out for `query`, and on idle clients through `pool.on('error')`.
 */
import pg from 'pg';
import { translateConnectionLoss } from './connection-loss.js';

class TranslatingPool extends pg.Pool {
  // The promise form only: the project never passes callbacks. Overloads make `super.query` awkward to type.
  override query(...args: unknown[]): never {
    const run = super.query as unknown as (...a: unknown[]) => Promise<unknown>;
    return run.apply(this, args).catch((e: unknown) => {
      throw translateConnectionLoss(e);
    }) as never;
  }
}

export function openPool(config: pg.PoolConfig): pg.Pool {
  const pool = new TranslatingPool(config);
  // An idle client's error (the server restarting) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}
