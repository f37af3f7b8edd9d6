/** The ledger port over an open operations store's database: the adapter that matches its dialect. */
import type { LedgerStore } from '../core/ports/ledger.js';
import type { Store } from '../core/ports/store.js';
import { PostgresLedgerStore } from './postgres/ledger-store.js';
import type { PostgresStore } from './postgres/postgres-store.js';
import { SqliteLedgerStore } from './sqlite/ledger-store.js';
import type { SqliteStore } from './sqlite/sqlite-store.js';

const stores = new WeakMap<Store, LedgerStore>();

export function ledgerStoreFor(store: Store): LedgerStore {
  let s = stores.get(store);
  if (!s) {
    s =
      store.dialect === 'sqlite'
        ? new SqliteLedgerStore((store as unknown as SqliteStore).db)
        : new PostgresLedgerStore((store as unknown as PostgresStore).pool);
    stores.set(store, s);
  }
  return s;
}
