/**
 * The transparency log's private key as a file (docs/tlog.md, "The log's key"): created 0600 on a server's first
 * start beside its SQLite database (or where `--log-key-file` / `GUARANTOR_LOG_KEY_FILE` say), or given whole in
 * `GUARANTOR_LOG_KEY`. Never in the database: whoever can read the database, or a backup of it, cannot sign for the
 * log. The file is PKCS#8 PEM with an explanatory line before it naming the log's origin (RFC 7468 lets text
 * precede the encapsulation boundary; OpenSSL skips it):
 *
 *     origin: guarantor/ukraine-2026-illustrative
 *     -----BEGIN PRIVATE KEY-----
 *     …
 */
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import { isKeyName } from './core/tlog/index.js';
import { InputError } from './input-error.js';

export interface LogKeyMaterial {
  privateKey: KeyObject;
  origin?: string;
  /** Where it came from, for messages. */
  source: string;
}

/** Where the key file of a database goes by default: beside a SQLite file; PostgreSQL has no "beside". */
export function defaultLogKeyPath(db: string): string | undefined {
  if (/^postgres(ql)?:\/\//i.test(db) || db === ':memory:' || db === '') return undefined;
  return `${db}.log-key`;
}

function text(pem: string, origin: string | undefined): string {
  return `${origin ? `origin: ${origin}\n` : ''}${pem.endsWith('\n') ? pem : `${pem}\n`}`;
}

/** Reads key text (a file's or the environment's): an Ed25519 private key, the origin line if there is one. */
export function parseLogKey(content: string, source: string): LogKeyMaterial {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(content);
  } catch (e) {
    throw new InputError(`${source}: not a PEM private key (${(e as Error).message})`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new InputError(`${source}: the log key must be Ed25519, not ${privateKey.asymmetricKeyType}`);
  const m = /^origin: (.+)$/m.exec(content.slice(0, content.indexOf('-----BEGIN')));
  const origin = m?.[1]?.trim();
  if (origin !== undefined && !isKeyName(origin))
    throw new InputError(`${source}: the origin line names ${JSON.stringify(origin)}, not a key name`);
  return { privateKey, source, ...(origin ? { origin } : {}) };
}

/** Reads a key file, refusing one that others may read (as ssh does). */
export function readLogKeyFile(path: string): LogKeyMaterial {
  let content: string;
  try {
    const mode = statSync(path).mode & 0o777;
    if (mode & 0o077)
      throw new InputError(
        `the log key file ${path} may be read by others (mode 0${mode.toString(8)}): chmod 600 ${path}`,
      );
    content = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot read the log key file ${path}: ${(e as Error).message}`);
  }
  return parseLogKey(content, path);
}

/**
 * Writes key text to `path` with mode 0600 from the start (never readable by others, not even for a moment):
 * a new file when `exclusive` (two servers starting at once on one file agree on the first), else through a
 * temporary file renamed over it.
 */
export function writeLogKeyFile(path: string, pem: string, origin: string | undefined, exclusive: boolean): void {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  const target = exclusive ? path : `${path}.tmp`;
  const fd = openSync(target, exclusive ? 'wx' : 'w', 0o600);
  try {
    writeSync(fd, text(pem, origin));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(target, 0o600); // a pre-existing .tmp keeps its mode through open('w')
  if (!exclusive) renameSync(target, path);
}

/** A new Ed25519 key's PKCS#8 PEM. */
export function newLogKeyPem(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
}

/** The key in `path`, created there first when there is none (a server's first start). */
export function loadOrCreateLogKeyFile(
  path: string,
  origin: string | undefined,
): LogKeyMaterial & { created: boolean } {
  if (!existsSync(path)) {
    try {
      writeLogKeyFile(path, newLogKeyPem(), origin, true);
      return { ...readLogKeyFile(path), created: true };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  return { ...readLogKeyFile(path), created: false };
}

/**
 * The carry-out handler of migration 0010: a database that kept its key in `tlog_key` hands it to the key file
 * (written when absent). A key file that exists, or a key given in the environment, must be that same key, or the
 * start is refused naming both, before anything is dropped.
 */
export function logKeyCarryOut(
  target: { path: string | undefined; given: LogKeyMaterial | undefined },
  where: string,
): (rows: Record<string, unknown>[]) => void {
  return (rows) => {
    const row = rows[0];
    if (!row) throw new Error(`${where}: the tlog_key table has no row to carry out`);
    const pem = String(row['private_pem']);
    const stored = parseLogKey(pem, `${where} (tlog_key)`);
    const same = (k: LogKeyMaterial) =>
      k.privateKey
        .export({ type: 'pkcs8', format: 'der' })
        .equals(stored.privateKey.export({ type: 'pkcs8', format: 'der' }));
    const existing = target.given ?? (target.path && existsSync(target.path) ? readLogKeyFile(target.path) : undefined);
    if (existing) {
      if (!same(existing))
        throw new InputError(
          `${where} holds the log key ${String(row['vkey'])} in its tlog_key table, but ${existing.source} holds another key: give the server the database's key`,
        );
      return;
    }
    if (!target.path)
      throw new InputError(`${where} holds the log key in tlog_key: name a key file for it (--log-key-file)`);
    writeLogKeyFile(target.path, pem, String(row['origin']), true);
  };
}
