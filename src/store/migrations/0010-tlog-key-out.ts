/**
 * The log's private key leaves the database (issue 16): a server that can read `tlog_key` could re-sign a rewritten
 * history, and so could anyone holding a copy or a backup of the database. The key now lives in a file beside the
 * database (or one the configuration names; src/log-key-file.ts), and the table goes. A database that still holds
 * a key hands it to the opener's carry-out handler first, which writes it to the key file (or checks that the file
 * holds the same key); an opener without one (a command other than `serve`) is refused, so the key is never lost.
 */
import type { Migration } from './migration.js';

export const tlogKeyOut: Migration = {
  id: '0010-tlog-key-out',
  carryOut: {
    select: 'SELECT origin, private_pem, vkey FROM tlog_key',
    refusal:
      "this database still holds the log's signing key (tlog_key); start `guarantor serve` on it once, which moves the key to its key file (--log-key-file), before any other command",
  },
  sqlite: 'DROP TABLE tlog_key;',
  postgres: 'DROP TABLE tlog_key;',
};
