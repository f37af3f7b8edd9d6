/**
 * The transparency log as the server runs it (docs/tlog.md, "Checkpoints and API"): the log store over the
 * operations store's database; the log's Ed25519 key, handed in by the composition root from its key file (never
 * kept in the database, so a copy of the database cannot sign); the log's record of its own key (`log-key`
 * entries: created, then handovers), checked at start so a server with another key than the log's refuses to run;
 * checkpoints signed within a second of any append and at shutdown; witness cosignatures and alarms verified
 * against the registered witness keys before they are stored.
 */
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { Clock } from '../core/ops/index.js';
import type { Store } from '../core/ports/store.js';
import type { LogEntry, LogStore, StoredCheckpoint } from '../core/ports/tlog.js';
import {
  SIG_COSIGNATURE_V1,
  alarmReasons,
  createdRecord,
  decodeEntry,
  ed25519Signer,
  handoverRecord,
  isKeyName,
  logKeyVkey,
  parseCheckpoint,
  parseVkey,
  readLogKeyRecord,
  signCheckpoint,
  verifierFromPublicKey,
  verifyAlarm,
  verifyCheckpoint,
  verifyCosignature,
  type Signer,
  type Verifier,
  type WitnessAlarm,
} from '../core/tlog/index.js';
import { packageVersionEntry } from '../store/log-entries.js';
import { itemAt } from '../core/item-at.js';

/** The log's private key as configured (a key file, or the environment): the server never stores it. */
export interface ConfiguredLogKey {
  privateKey: KeyObject;
  /** The origin the key file names (written when it was created); default: the log's, else the package's. */
  origin?: string;
  /** Where it came from, for messages (`data/guarantor.db.log-key`, `GUARANTOR_LOG_KEY`). */
  source: string;
}

/** The server's key is not the log's: it must not start (it would sign a second history). */
export class LogKeyMismatchError extends Error {}

export interface LogServiceOptions {
  /** The origin (and key name) of a new log; default `guarantor/<package id>`. */
  origin?: string;
  /**
   * The log's private key. Without one (tests, tools) a key is generated in memory for this process, which a log
   * that already names another key refuses.
   */
  key?: ConfiguredLogKey;
  /** An on-demand checkpoint (GET /v1/log/checkpoint) is signed at most this often while the log grows (ms); default 1000. */
  minIntervalMs?: number;
}

export type CosignResult =
  { ok: true; size: number; accepted: string[]; already: string[] } | { ok: false; status: number; message: string };

interface ActiveKey {
  origin: string;
  signer: Signer;
  verifier: Verifier;
  vkey: string;
  /** The log-key entry that put this key in force. */
  index: number;
}

/** How often the server looks for appends to checkpoint, and the least time between two of its own (ms). */
export const checkpointPollMs = 200;
export const checkpointGapMs = 500;

export class LogService {
  #key: Promise<ActiveKey> | undefined;
  #signing: Promise<StoredCheckpoint | undefined> | undefined;
  /** performance.now() of this server's last signing. */
  #signedAt = -Infinity;
  /** Set when the log's latest checkpoint is not this key's to extend (rotated away, or another key signs). */
  retired: string | undefined;

  constructor(
    readonly log: LogStore,
    readonly clock: Clock,
    readonly origin: string,
    readonly options: LogServiceOptions = {},
  ) {}

  /** The log's key, checked against the log's own record of it (and recorded there on a log's first start). */
  key(): Promise<ActiveKey> {
    this.#key ??= this.#loadKey();
    this.#key.catch(() => (this.#key = undefined));
    return this.#key;
  }

  async #loadKey(): Promise<ActiveKey> {
    const configured = this.options.key ?? {
      privateKey: generateKeyPairSync('ed25519').privateKey,
      source: 'a key generated in memory (no key configured)',
    };
    const last = await this.log.latestCheckpoint();
    const parsedLast = last && parseCheckpoint(last.note);
    const origin = configured.origin ?? (parsedLast?.ok ? parsedLast.checkpoint.origin : undefined) ?? this.origin;
    if (!isKeyName(origin)) throw new Error(`log origin ${JSON.stringify(origin)} is not a key name`);
    const signer = ed25519Signer(origin, configured.privateKey);
    const vkey = logKeyVkey(signer);
    const v = parseVkey(vkey);
    if (!v.ok) throw v.error;
    const mine = { origin, signer, verifier: v.verifier, vkey };
    for (let attempt = 0; attempt < 3; attempt++) {
      const index = await this.log.indexOfRecord('log-key', origin);
      if (index !== undefined) {
        const current = await this.#keyAt(index);
        if (current !== vkey)
          throw new LogKeyMismatchError(
            `this server's log key (${configured.source}: ${vkey}) is not the log's key (${current}, entry ${index}): give every server the same key file (--log-key-file or GUARANTOR_LOG_KEY_FILE), or rotate with \`guarantor log rotate-key\``,
          );
        return { ...mine, index };
      }
      // A log from before log-key entries (or never started): its checkpoints say which key it had.
      if (last && !verifyCheckpoint(last.note, v.verifier, [], { allowUnknown: true, origin }).ok)
        throw new LogKeyMismatchError(
          `the log's latest checkpoint (size ${last.size}) was not signed by this server's log key (${configured.source}: ${vkey}): start it with the key the log was signed with`,
        );
      const entry: LogEntry = {
        kind: 'log-key',
        recordId: origin,
        record: { ...createdRecord(origin, vkey, new Date(this.clock.now())) },
      };
      const created = await this.log.appendIfLatest(entry, undefined);
      if (created !== undefined) return { ...mine, index: created };
      // Another server recorded the log's first key meanwhile: check against it.
    }
    throw new Error('the log key could not be recorded (the log-key record kept changing)');
  }

  /** The vkey in force after the log-key entry at `index`. */
  async #keyAt(index: number): Promise<string> {
    const [e] = await this.log.entries(index, index + 1);
    const d = e && decodeEntry(e.entry);
    const r = d?.ok ? readLogKeyRecord(d.entry.record) : undefined;
    if (!r?.ok)
      throw new LogKeyMismatchError(`the log's key entry ${index} is unreadable: ${r?.message ?? 'no entry'}`);
    return r.record.event === 'created' ? r.record.vkey : r.record.to;
  }

  /** The latest checkpoint, signing a new one first when the log grew and the last is older than the interval. */
  async latest(force = false): Promise<StoredCheckpoint> {
    const [head, last] = await Promise.all([this.log.head(), this.log.latestCheckpoint()]);
    const due =
      !last ||
      (head.size > last.size && (force || this.clock.now() - last.time >= (this.options.minIntervalMs ?? 1000)));
    if (!due) return last;
    return this.#signOnce(last);
  }

  /** The poller's step: a checkpoint when the log grew, at most one per checkpointGapMs from this server. */
  /**
   * `standby` (standby.ts): another server signs, so this one does only when no checkpoint came since its previous
   * look (that server cannot sign: its key was handed over, or it stalled).
   */
  async tick(standby = false): Promise<void> {
    if (performance.now() - this.#signedAt < checkpointGapMs) return;
    const [head, last] = await Promise.all([this.log.head(), this.log.latestCheckpoint()]);
    const seen = this.#standbySeen;
    this.#standbySeen = standby ? (last?.size ?? -1) : undefined;
    if (standby && seen !== (last?.size ?? -1)) return;
    if (!last || head.size > last.size) await this.#signOnce(last);
  }

  /** The latest checkpoint's size at this server's previous standby tick. */
  #standbySeen: number | undefined;

  async #signOnce(last: StoredCheckpoint | undefined): Promise<StoredCheckpoint> {
    // Concurrent callers share one signing.
    this.#signing ??= this.#sign(last).finally(() => (this.#signing = undefined));
    const cp = await this.#signing;
    if (!cp) throw new Error(this.retired ?? 'no checkpoint');
    return cp;
  }

  async #sign(last: StoredCheckpoint | undefined): Promise<StoredCheckpoint | undefined> {
    const { signer, origin, index } = await this.key();
    // The head first, then the key check: a handover appended after this read lies beyond the size signed here,
    // where the old key may still sign; one appended before it is seen.
    const head = await this.log.head();
    const now = await this.log.indexOfRecord('log-key', origin);
    if (now !== index) {
      this.retired = `the log's key was handed over (log-key entry ${now}): this server no longer signs; restart it with the log's current key file`;
      return last;
    }
    const time = Math.floor(this.clock.now() / 1000) * 1000;
    const note = signCheckpoint(
      { origin, size: head.size, rootHash: head.root, time: new Date(time), extensions: [] },
      signer,
    );
    this.#signedAt = performance.now();
    return this.log.saveCheckpoint({ size: head.size, root: head.root, time, note });
  }

  /**
   * Hands the log over to `next` (docs/tlog.md, "Rotating the key"): logs the handover, signed by this key and
   * accepted by the new one, signs the checkpoint that ends with it using this key (its last), and the current tree
   * with the new key. This service signs nothing afterwards.
   */
  async rotate(next: KeyObject): Promise<{ index: number; from: string; to: string; warning?: string }> {
    const { signer, origin, index, vkey } = await this.key();
    const nextSigner = ed25519Signer(origin, next);
    const record = handoverRecord(signer, nextSigner, index, new Date(this.clock.now()));
    if (record.to === vkey) throw new Error('the new key is the current key');
    const at = await this.log.appendIfLatest({ kind: 'log-key', recordId: origin, record: { ...record } }, index);
    if (at === undefined)
      throw new LogKeyMismatchError('the log key changed meanwhile (another rotation?): nothing was done');
    this.retired = `the log's key was handed over by this process (log-key entry ${at})`;
    const time = Math.floor(this.clock.now() / 1000) * 1000;
    const signAt = async (size: number, by: Signer) => {
      const root = await this.log.rootAt(size);
      const note = signCheckpoint({ origin, size, rootHash: root, time: new Date(time), extensions: [] }, by);
      await this.log.saveCheckpoint({ size, root, time, note });
    };
    // The handover is logged: from here nothing may throw, or the caller would discard the only new key.
    try {
      await signAt(at + 1, signer);
      const head = await this.log.head();
      if (head.size > at + 1) await signAt(head.size, nextSigner);
    } catch (e) {
      return { index: at, from: vkey, to: record.to, warning: `checkpoints not signed: ${(e as Error).message}` };
    }
    return { index: at, from: vkey, to: record.to };
  }

  /** A stored checkpoint as served: the log's note with every cosignature line. */
  static note(cp: StoredCheckpoint): string {
    return cp.note + cp.cosignatures.join('');
  }

  /**
   * Registers a witness's cosignature/v1 vkey. A name registered with another key is a conflict: witness lines
   * carry the name and key ID, so a new key registers under a new name and both stay verifiable.
   */
  async addWitness(
    vkey: string,
  ): Promise<{ ok: true; name: string; added: boolean } | { ok: false; status: 400 | 409; message: string }> {
    const v = parseVkey(vkey.trim());
    if (!v.ok) return { ok: false, status: 400, message: `vkey: ${v.error.message}` };
    if (v.verifier.type !== SIG_COSIGNATURE_V1)
      return { ok: false, status: 400, message: 'vkey: a witness key must be a cosignature/v1 key (type 0x04)' };
    const { verifier } = await this.key();
    if (Buffer.from(v.verifier.publicKey).equals(Buffer.from(verifier.publicKey)))
      return { ok: false, status: 400, message: "vkey: a witness cannot use the log's own key" };
    const name = v.verifier.name;
    const added = await this.log.addWitness({ name, vkey: vkey.trim(), createdAt: this.clock.now() });
    if (!added) {
      const existing = (await this.log.witnesses()).find((w) => w.name === name);
      if (existing && existing.vkey !== vkey.trim())
        return {
          ok: false,
          status: 409,
          message: `witness ${name} is registered with another key (${existing.vkey}); register a new key under a new name (e.g. ${name}-2)`,
        };
    }
    return { ok: true, name, added };
  }

  async #witnessVerifiers(): Promise<Map<string, Verifier>> {
    const out = new Map<string, Verifier>();
    for (const w of await this.log.witnesses()) {
      const v = parseVkey(w.vkey);
      if (v.ok) out.set(`${v.verifier.name}\n${v.verifier.keyId}`, v.verifier);
    }
    return out;
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
    const witnesses = await this.#witnessVerifiers();
    const accepted: string[] = [];
    const already: string[] = [];
    const problems: string[] = [];
    for (const sig of note.signatures) {
      // The log's own line (whichever key signed this checkpoint): the stored note, compared above, vouches for it.
      if (sig.name === checkpoint.origin && stored.note.includes(itemAt(body.split('\n'), sig.line - 1))) continue;
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
      const line = itemAt(body.split('\n'), sig.line - 1) + '\n';
      if (await this.log.addCosignature(checkpoint.size, w.name, line, r.time.getTime())) accepted.push(w.name);
      else already.push(w.name);
    }
    if (problems.length) return { ok: false, status: 400, message: problems.join('; ') };
    if (!accepted.length && !already.length)
      return { ok: false, status: 400, message: 'the note carries no cosignature from a registered witness' };
    return { ok: true, size: checkpoint.size, accepted, already };
  }

  /**
   * Logs a witness's alarm (a fork, a rollback, a split view) after checking its signature against the witness's
   * registered key: anyone reading the log sees that a witness refused, and its evidence.
   */
  async alarm(
    body: unknown,
  ): Promise<{ ok: true; index: number | undefined } | { ok: false; message: string; path?: string }> {
    if (!body || typeof body !== 'object' || Array.isArray(body)) return { ok: false, message: 'send a JSON object' };
    const { witness, message, at, signature, reason, checkpoints } = body as Partial<
      Record<keyof WitnessAlarm, unknown>
    >;
    const tooLong = (k: string, max: number) => ({
      ok: false as const,
      message: `${k} is a string of at most ${max} characters`,
      path: `body.${k}`,
    });
    const isText = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;
    if (!isText(witness, 200)) return tooLong('witness', 200);
    if (!isText(message, 2000)) return tooLong('message', 2000);
    if (!isText(at, 40)) return tooLong('at', 40);
    if (!isText(signature, 100)) return tooLong('signature', 100);
    const isReason = (r: unknown): r is WitnessAlarm['reason'] => alarmReasons.includes(r as never);
    if (!isReason(reason))
      return { ok: false, message: `reason is one of ${alarmReasons.join(', ')}`, path: 'body.reason' };
    if (Number.isNaN(Date.parse(at))) return { ok: false, message: 'at is an ISO 8601 time', path: 'body.at' };
    if (
      !Array.isArray(checkpoints) ||
      checkpoints.length > 4 ||
      checkpoints.some((c) => typeof c !== 'string' || c.length > 64 * 1024)
    )
      return { ok: false, message: 'checkpoints is a list of at most 4 signed notes', path: 'body.checkpoints' };
    const reg = (await this.log.witnesses()).find((w) => w.name === witness);
    const v = reg && parseVkey(reg.vkey);
    if (!v?.ok) return { ok: false, message: `${witness} is not a registered witness`, path: 'body.witness' };
    const alarm: WitnessAlarm = { witness, reason, message, at, checkpoints: checkpoints as string[], signature };
    const raw = verifierFromPublicKey(v.verifier.name, v.verifier.publicKey);
    if (!verifyAlarm(alarm, raw))
      return { ok: false, message: `the signature does not verify under ${witness}'s key`, path: 'body.signature' };
    const entry: LogEntry = { kind: 'witness-alarm', recordId: `${alarm.witness}@${alarm.at}`, record: { ...alarm } };
    return { ok: true, index: await this.log.appendIfLatest(entry, undefined) };
  }

  /** Logs the package the server runs, once per distinct text. */
  async logPackage(pkg: { package: string; version?: unknown }, text: string): Promise<void> {
    const e = packageVersionEntry(pkg, createHash('sha256').update(text).digest('hex'));
    if ((await this.log.indexOfRecord(e.kind, e.recordId)) === undefined) await this.log.append([e]);
  }
}

/** The log store over an operations store's database. */
export function logStoreFor(store: Store): LogStore {
  return store.transparencyLog();
}

/** A log's origin (and key name) by default: `guarantor/<package id>`. */
export function logOrigin(pkgId: string): string {
  return isKeyName(`guarantor/${pkgId}`) ? `guarantor/${pkgId}` : 'guarantor/log';
}

const services = new WeakMap<Store, LogService>();

/** The log service of an operations store: one per store. */
export function logServiceFor(store: Store, clock: Clock, pkgId: string, options: LogServiceOptions = {}): LogService {
  let s = services.get(store);
  if (!s) {
    services.set(store, (s = new LogService(logStoreFor(store), clock, options.origin ?? logOrigin(pkgId), options)));
  }
  return s;
}
