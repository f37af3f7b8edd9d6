/** The public face's port over an open operations store's database: the adapter that matches its dialect, one per store. */
import type { PublicStore } from '../core/ports/public.js';
import type { Store } from '../core/ports/store.js';
import { PostgresPublicStore } from './postgres/public-store.js';
import type { PostgresStore } from './postgres/postgres-store.js';
import { SqlitePublicStore } from './sqlite/public-store.js';
import type { SqliteStore } from './sqlite/sqlite-store.js';

const stores = new WeakMap<Store, PublicStore>();

export function publicStoreFor(store: Store): PublicStore {
  let s = stores.get(store);
  if (!s) {
    s =
      store.dialect === 'sqlite'
        ? new SqlitePublicStore(
            (store as unknown as SqliteStore).db,
            (store as unknown as SqliteStore).projectionCommitter(),
          )
        : new PostgresPublicStore((store as unknown as PostgresStore).pool, (store as unknown as PostgresStore).schema);
    stores.set(store, s);
  }
  return s;
}
