/**
 * Opening a connection to the store's file with the store's pragmas: the server's own connection and the writer
 * thread's (ingest-writer.ts) must agree on them.
 *
 * Durability: WAL with `synchronous=FULL` by default, so an acknowledged batch survives not only `kill -9` of the
 * server but a power cut (the WAL is fsynced at every commit). `synchronous=NORMAL` skips that fsync: still safe
 * against a process crash (the committed WAL frames are in the OS page cache), but the last commits can be lost if
 * the machine loses power. https://www.sqlite.org/pragma.html#pragma_synchronous, https://www.sqlite.org/wal.html
 */
import Database from 'better-sqlite3';

export type Synchronous = 'full' | 'normal';

export function openConnection(path: string, synchronous: Synchronous = 'full'): Database.Database {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    // The other connection (the writer thread's, or a CLI reading the file) may hold the lock briefly: wait for it.
    db.pragma('busy_timeout = 5000');
    // Checkpoint the WAL every ~40 MB instead of 4 MB: a batch writes about 2 MB, so the default checkpointed (and
    // fsynced the database file) every other batch; 10,000 pages cut ingest time by ~15% (bench/ingest.ts). Commit
    // durability is unchanged; recovery after a crash replays at most that much WAL.
    db.pragma('wal_autocheckpoint = 10000');
    // A 64 MB page cache (default 2 MB): a batch dirties more pages than the default holds, so SQLite spilled them
    // to the WAL mid-transaction and read index pages back; temp B-trees in memory. Neither changes durability.
    db.pragma('cache_size = -65536');
    db.pragma('temp_store = MEMORY');
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}
