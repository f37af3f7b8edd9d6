/**
 * The transparency log as the server runs it (docs/tlog.md, "Checkpoints and API"): the log store over the
 * operations store's database, the log's Ed25519 key (created on first start and kept in the database, so every
 * server of one database signs as the same log), checkpoints signed on demand when the log has grown, and witness
 * cosignatures verified before they are stored.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import type { Clock } from '../core/ops/index.js';
import type { Store } from '../core/ports/store.js';
import type { LogKey, LogStore, StoredCheckpoint } from '../core/ports/tlog.js';
import {
  SIG_COSIGNATURE_V1,
  SIG_ED25519,
  ed25519Signer,
  encodeVkey,
  isKeyName,
  parseCheckpoint,
  parseVkey,
  signCheckpoint,
  verifyCosignature,
  type Signer,
  type Verifier,
} from '../core/tlog/index.js';
import { packageVersionEntry } from '../store/log-entries.js';

/** The log store over an operations store's database. */
export function logStoreFor(store: Store): LogStore {
  return store.transparencyLog();
}

/** A new Ed25519 log key named `origin`. */
export function newLogKey(origin: string, now: number): LogKey {
  if (!isKeyName(origin)) throw new Error(`log origin ${JSON.stringify(origin)} is not a key name (no spaces, no "+")`);
  const { privateKey } = generateKeyPairSync('ed25519');
  const signer = ed25519Signer(origin, privateKey);
  return {
    origin,
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    vkey: encodeVkey({ name: origin, type: SIG_ED25519, publicKey: signer.publicKey }),
    createdAt: now,
  };
}

export interface LogServiceOptions {
  /** The origin (and key name) a new log key gets; default `guarantor/<package id>`. */
  origin?: string;
  /** A checkpoint is signed at most this often while the log grows (ms); default 1000. */
  minIntervalMs?: number;
}

export type CosignResult =
  { ok: true; size: number; accepted: string[]; already: string[] } | { ok: false; status: number; message: string };

export class LogService {
  #key: Promise<{ key: LogKey; signer: Signer; verifier: Verifier }> | undefined;
  #signing: Promise<StoredCheckpoint> | undefined;

  constructor(
    readonly log: LogStore,
    readonly clock: Clock,
    readonly origin: string,
    readonly options: LogServiceOptions = {},
  ) {}

  /** The log's key: the stored one, or a new one stored on first use. */
  key(): Promise<{ key: LogKey; signer: Signer; verifier: Verifier }> {
    this.#key ??= (async () => {
      const key = await this.log.signingKey(() => newLogKey(this.origin, this.clock.now()));
      const v = parseVkey(key.vkey);
      if (!v.ok) throw new Error(`the stored log key is unreadable: ${v.error.message}`);
      return { key, signer: ed25519Signer(key.origin, key.privatePem), verifier: v.verifier };
    })();
    this.#key.catch(() => (this.#key = undefined));
    return this.#key;
  }

  /** The latest checkpoint, signing a new one first when the log grew and the last is older than the interval. */
  async latest(force = false): Promise<StoredCheckpoint> {
    const [head, last] = await Promise.all([this.log.head(), this.log.latestCheckpoint()]);
    const due =
      !last ||
      (head.size > last.size && (force || this.clock.now() - last.time >= (this.options.minIntervalMs ?? 1000)));
    if (!due) return last;
    // Concurrent callers share one signing.
    this.#signing ??= this.#sign().finally(() => (this.#signing = undefined));
    return this.#signing;
  }

  async #sign(): Promise<StoredCheckpoint> {
    const { key, signer } = await this.key();
    const head = await this.log.head();
    const time = Math.floor(this.clock.now() / 1000) * 1000;
    const note = signCheckpoint(
      { origin: key.origin, size: head.size, rootHash: head.root, time: new Date(time), extensions: [] },
      signer,
    );
    return this.log.saveCheckpoint({ size: head.size, root: head.root, time, note });
  }

  /** A stored checkpoint as served: the log's note with every cosignature line. */
  static note(cp: StoredCheckpoint): string {
    return cp.note + cp.cosignatures.join('');
  }

  /** Registers a witness's cosignature/v1 vkey. */
  async addWitness(vkey: string): Promise<{ ok: true; name: string; added: boolean } | { ok: false; message: string }> {
    const v = parseVkey(vkey.trim());
    if (!v.ok) return { ok: false, message: `vkey: ${v.error.message}` };
    if (v.verifier.type !== SIG_COSIGNATURE_V1)
      return { ok: false, message: 'vkey: a witness key must be a cosignature/v1 key (type 0x04)' };
    const { verifier } = await this.key();
    if (Buffer.from(v.verifier.publicKey).equals(Buffer.from(verifier.publicKey)))
      return { ok: false, message: "vkey: a witness cannot use the log's own key" };
    const added = await this.log.addWitness({ name: v.verifier.name, vkey: vkey.trim(), createdAt: this.clock.now() });
    return { ok: true, name: v.verifier.name, added };
  }

  /**
   * Takes a checkpoint note carrying cosignature lines: the note text must be one the log signed, and each line
   * from a registered witness must verify; verified lines are stored. Lines from unknown keys are refused.
   */
  async cosign(body: string): Promise<CosignResult> {
    const parsed = parseCheckpoint(body);
    if (!parsed.ok)
      return {
        ok: false,
        status: 400,
        message: parsed.errors.map((e) => (e.line ? `line ${e.line}: ${e.message}` : e.message)).join('; '),
      };
    const { checkpoint, note } = parsed;
    const stored = await this.log.checkpointAt(checkpoint.size);
    if (!stored) return { ok: false, status: 404, message: `the log signed no checkpoint of size ${checkpoint.size}` };
    if (!stored.note.startsWith(note.text + '\n'))
      return {
        ok: false,
        status: 409,
        message: `the checkpoint text is not the one the log signed at size ${checkpoint.size}`,
      };
    const witnesses = new Map<string, Verifier>();
    for (const w of await this.log.witnesses()) {
      const v = parseVkey(w.vkey);
      if (v.ok) witnesses.set(`${v.verifier.name}\n${v.verifier.keyId}`, v.verifier);
    }
    const { verifier: logKey } = await this.key();
    const accepted: string[] = [];
    const already: string[] = [];
    const problems: string[] = [];
    for (const sig of note.signatures) {
      if (sig.name === logKey.name && sig.keyId === logKey.keyId) continue;
      const w = witnesses.get(`${sig.name}\n${sig.keyId}`);
      if (!w) {
        problems.push(`line ${sig.line}: ${sig.name} is not a registered witness key`);
        continue;
      }
      const r = verifyCosignature(note.text, w, sig.signature);
      if (!r.ok) {
        problems.push(`line ${sig.line}: ${r.error.message}`);
        continue;
      }
      if (r.time.getTime() > this.clock.now() + 5 * 60_000) {
        problems.push(`line ${sig.line}: the cosignature of ${w.name} is dated in the future`);
        continue;
      }
      const line = body.split('\n')[sig.line - 1]! + '\n';
      if (await this.log.addCosignature(checkpoint.size, w.name, line, r.time.getTime())) accepted.push(w.name);
      else already.push(w.name);
    }
    if (problems.length) return { ok: false, status: 400, message: problems.join('; ') };
    if (!accepted.length && !already.length)
      return { ok: false, status: 400, message: 'the note carries no cosignature from a registered witness' };
    return { ok: true, size: checkpoint.size, accepted, already };
  }

  /** Logs the package the server runs, once per distinct text. */
  async logPackage(pkg: { package: string; version?: unknown }, text: string): Promise<void> {
    const e = packageVersionEntry(pkg, createHash('sha256').update(text).digest('hex'));
    if ((await this.log.indexOfRecord(e.kind, e.recordId)) === undefined) await this.log.append([e]);
  }
}

const services = new WeakMap<Store, LogService>();

/** The log service of an operations store: one per store. */
export function logServiceFor(store: Store, clock: Clock, pkgId: string, options: LogServiceOptions = {}): LogService {
  let s = services.get(store);
  if (!s) {
    const origin = options.origin ?? (isKeyName(`guarantor/${pkgId}`) ? `guarantor/${pkgId}` : 'guarantor/log');
    services.set(store, (s = new LogService(logStoreFor(store), clock, origin, options)));
  }
  return s;
}
