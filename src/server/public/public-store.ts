/** The public face's store over the operations store's database: one per store (as `caseworkFor`). */
import type { PublicStore } from '../../core/ports/public.js';
import type { Store } from '../../core/ports/store.js';
import { PostgresPublicStore } from '../../store/postgres/public-store.js';
import type { PostgresStore } from '../../store/postgres/postgres-store.js';
import { SqlitePublicStore } from '../../store/sqlite/public-store.js';
import type { SqliteStore } from '../../store/sqlite/sqlite-store.js';

const stores = new WeakMap<Store, PublicStore>();

export function publicStoreFor(store: Store): PublicStore {
  let s = stores.get(store);
  if (!s) {
    s = store.dialect === 'sqlite' ? new SqlitePublicStore((store as unknown as SqliteStore).db) : new PostgresPublicStore((store as unknown as PostgresStore).pool, (store as unknown as PostgresStore).schema);
    stores.set(store, s);
  }
  return s;
}
