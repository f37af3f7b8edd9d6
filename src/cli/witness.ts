/**
 * `guarantor witness`: a witness of the transparency log (docs/tlog.md, "Witnesses"), run by each guarantor or
 * party. It polls the log's checkpoint, proves it consistent with the last one it cosigned (its state file),
 * cosigns and posts the cosignature; it compares its view with other witnesses' (`--peer`: another witness's state
 * file or URL). A rollback, a fork or a split view makes it refuse loudly: it prints the evidence, posts a signed
 * alarm that the server logs, and exits 1, never to cosign that log again from this state.
 *
 *     guarantor witness --url URL --witness-key FILE --state FILE [--name NAME] [--log-key server.pub] [--peer URL|FILE]...
 *                       [--interval SECONDS] [--once]
 *
 * The key file is created (0600) when missing, with `--name`; its vkey is printed to register with the server
 * (`POST /v1/log/witnesses`) and to name in the package (`log.witnesses`). Exit codes: 0 (`--once`: cosigned or
 * nothing new), 1 a refusal, 2 usage or I/O, 3 a --log-key that is not the log's.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  SIG_COSIGNATURE_V1,
  SIG_ED25519,
  addCosignature,
  ed25519Signer,
  encodeVkey,
  hashesEqual,
  parseCheckpoint,
  parseVkey,
  signAlarm,
  verifyCheckpoint,
  verifyConsistency,
  type AlarmReason,
  type Checkpoint,
  type Signer,
  type Verifier,
} from '../core/tlog/index.js';
import { ApiClient, ServerError, refusal, type Fetch } from './api-client.js';
import { resolveLogKey } from './log-handover.js';
import { readVkey } from './log.js';
import { UsageError, WrongLogKey } from './usage-error.js';
import { shared } from './options.js';
import { extendMirror, leavesPathOf, type MirrorState } from './witness-mirror.js';

/** What a witness keeps: the log's key as it knows it and the last checkpoint it cosigned. */
export interface WitnessState {
  version: 1;
  origin: string;
  /** The log's key in force at `size` (a vkey). */
  logKey: string;
  size: number;
  /** base64 */
  root: string;
  /** The checkpoint as this witness cosigned it (the log's note and this witness's line): what peers compare. */
  note: string;
  /** The leaf hashes under it, kept in `<state>.leaves` (witness-mirror.ts); absent in states of earlier versions. */
  mirror?: MirrorState;
}

export interface WitnessOptions {
  url: string;
  signer: Signer;
  statePath: string;
  /** The log's key when the state holds none yet (else fetched from the server on first contact, and printed). */
  logKey?: Verifier;
  peers: string[];
  intervalMs: number;
  once: boolean;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  write: (s: string) => void;
  /** Stops a long-running witness (tests); checked between polls. */
  stop?: () => boolean;
}

const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');
const unb64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

class Refusal extends Error {
  constructor(
    readonly reason: AlarmReason,
    message: string,
    readonly evidence: string[],
  ) {
    super(message);
  }
}

function readState(path: string): WitnessState | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const s = JSON.parse(readFileSync(path, 'utf8')) as WitnessState;
    if (s.version !== 1 || typeof s.size !== 'number' || typeof s.root !== 'string' || typeof s.logKey !== 'string')
      throw new Error('not a guarantor witness state file (version 1)');
    return s;
  } catch (e) {
    throw new UsageError(`--state ${path}: ${(e as Error).message}`);
  }
}

function saveState(path: string, s: WitnessState): void {
  writeFileSync(`${path}.tmp`, JSON.stringify(s, null, 2) + '\n');
  renameSync(`${path}.tmp`, path);
}

/** Runs the witness until a refusal (1), an I/O failure with `--once` (2), or `stop()`; returns the exit code. */
export async function runWitness(o: WitnessOptions, doFetch: Fetch): Promise<number> {
  const client = new ApiClient(o.url, doFetch);
  for (;;) {
    try {
      await pollOnce(o, client);
    } catch (e) {
      if (e instanceof Refusal) {
        o.write(`WITNESS REFUSES (${e.reason}): ${e.message}\n`);
        await raiseAlarm(o, client, e);
        return 1;
      }
      if (o.once || !(e instanceof ServerError)) throw e;
      o.write(`witness: ${(e as Error).message}; trying again\n`);
    }
    if (o.once || o.stop?.()) return 0;
    await o.sleep(o.intervalMs);
    if (o.stop?.()) return 0;
  }
}

async function raiseAlarm(o: WitnessOptions, client: ApiClient, r: Refusal): Promise<void> {
  const alarm = signAlarm(
    {
      witness: o.signer.name,
      reason: r.reason,
      message: r.message,
      at: o.now().toISOString(),
      checkpoints: r.evidence,
    },
    o.signer,
  );
  try {
    const a = await client.call('postLogAlarms', { body: alarm });
    o.write(
      a.status === 201 || a.status === 200
        ? `witness: alarm logged by the server${a.status === 201 ? ` as entry ${a.body.index}` : ''}\n`
        : `witness: the server refused the alarm: ${refusal(a)}\n`,
    );
  } catch (e) {
    o.write(`witness: the alarm could not be posted: ${(e as Error).message}\n`);
  }
}

async function pollOnce(o: WitnessOptions, client: ApiClient): Promise<void> {
  const state = readState(o.statePath);
  const got = await client.call('getLogCheckpoint', {});
  if (got.status !== 200) throw new ServerError(`GET v1/log/checkpoint: ${refusal(got)}`);
  const note = got.body;
  const parsed = parseCheckpoint(note);
  if (!parsed.ok)
    throw new ServerError(`the checkpoint does not parse: ${parsed.errors.map((e) => e.message).join('; ')}`);
  const cp = parsed.checkpoint;
  let key = state ? mustVkey(state.logKey) : o.logKey;
  if (!key) {
    const k = await client.call('getLogKey', {});
    if (k.status !== 200) throw new ServerError(`GET v1/log/key: ${refusal(k)}`);
    const text = k.body.trim();
    key = readVkey(text, SIG_ED25519, 'GET /v1/log/key');
    o.write(`witness: trusting the log key the server gives on first contact: ${text} (compare it out of band)\n`);
  }
  if (state && state.origin !== cp.origin)
    throw new UsageError(`the state is for the log ${state.origin}; ${o.url} serves ${cp.origin}`);
  const now = o.now();
  let v = verifyCheckpoint(note, key, [], { allowUnknown: true, now, origin: key.name });
  if (!v.ok) {
    // Cosigned with this key before (the state's), or given by the server itself: only --log-key can be wrong.
    const r = await resolveLogKey(client, note, cp, key, { url: o.url, flag: '--log-key', verifiedBefore: !!state });
    if ('wrongKey' in r) {
      if (!state && o.logKey) throw new WrongLogKey(r.wrongKey);
      throw new ServerError(`the checkpoint is signed by another key than the log's as this witness knows it`);
    }
    if ('tampering' in r) throw new ServerError(r.tampering.replace(/^checkpoint: /, 'the checkpoint is '));
    if (r.steps > 0) {
      o.write(`witness: the log's key was handed over; now ${vkeyOf(r.key)}\n`);
      key = r.key;
      v = verifyCheckpoint(note, key, [], { allowUnknown: true, now, origin: key.name });
    }
  }
  // A bad signature proves nothing against the log (anyone can write one): not cosigned, reported, retried.
  if (!v.ok) throw new ServerError(`the checkpoint does not verify: ${v.errors.map((e) => e.message).join('; ')}`);

  let previous: { size: number; rootHash: Uint8Array; proof: Uint8Array[] } | undefined;
  if (state) {
    const root = unb64(state.root);
    if (cp.size < state.size)
      throw new Refusal(
        'rollback',
        `the log shows ${cp.size} entries, but this witness cosigned ${state.size}: the log was rolled back`,
        [state.note, note],
      );
    if (cp.size === state.size && !hashesEqual(root, cp.rootHash))
      throw new Refusal(
        'fork',
        `two signed checkpoints of size ${cp.size} with different roots: the log signed two histories`,
        [state.note, note],
      );
    const proof = cp.size > state.size ? await consistencyProof(client, state.size, cp.size) : [];
    const c = verifyConsistency(state.size, cp.size, root, cp.rootHash, proof);
    if (!c.ok)
      throw new Refusal(
        'fork',
        `the log at ${cp.size} is not an extension of the checkpoint of ${state.size} this witness cosigned (${c.error.message}): history was rewritten`,
        [state.note, note],
      );
    previous = { size: state.size, rootHash: root, proof };
  }
  const mine = state?.note ?? note;
  await comparePeers(o, client, key, cp, cp.size >= (state?.size ?? 0) ? note : mine);

  // The leaves under the checkpoint, checked against its root before it is cosigned: what an audit anchored on this
  // witness compares a database with.
  const mirror = await extendMirror(client, leavesPathOf(o.statePath), state?.mirror, cp, o.write);
  if (state && cp.size === state.size && note.includes(ownLine(state.note, o.signer))) {
    if (state.mirror?.leaves !== mirror.leaves) saveState(o.statePath, { ...state, mirror });
    return; // nothing new
  }
  const cosigned =
    state && cp.size === state.size
      ? { ok: true as const, note: state.note } // posted again: the server lacks it
      : addCosignature(stripOwn(note, o.signer), o.signer, {
          time: now,
          serverKey: key,
          origin: key.name,
          ...(previous ? { previous } : {}),
        });
  if (!cosigned.ok) throw new ServerError(`cannot cosign: ${cosigned.errors.map((e) => e.message).join('; ')}`);
  const a = await client.call('postLogCosignatures', { body: cosigned.note });
  if (a.status !== 200) throw new ServerError(`POST /v1/log/cosignatures: ${refusal(a)}`);
  saveState(o.statePath, {
    version: 1,
    origin: cp.origin,
    logKey: vkeyOf(key),
    size: cp.size,
    root: b64(cp.rootHash),
    note: cosigned.note,
    mirror,
  });
  o.write(`witness: cosigned ${cp.origin} size ${cp.size} root ${b64(cp.rootHash)}\n`);
}

async function consistencyProof(client: ApiClient, from: number, to: number): Promise<Uint8Array[]> {
  const a = await client.call('getLogProofConsistency', { query: { from, to } });
  if (a.status !== 200) return []; // no proof is a failed proof
  return a.body.proof.map(unb64);
}

/**
 * Gossip: another witness's last cosigned checkpoint must lie on the same history as ours. Same size, another root:
 * the log showed us different trees (a split view); different sizes: the server must prove the smaller a prefix
 * of the larger. A peer that cannot be read, or whose checkpoint the log key does not sign, is reported and skipped.
 */
async function comparePeers(
  o: WitnessOptions,
  client: ApiClient,
  key: Verifier,
  cp: Checkpoint,
  ours: string,
): Promise<void> {
  for (const peer of o.peers) {
    let theirs: string;
    try {
      const text = /^https?:\/\//.test(peer)
        ? await (await client.doFetch(peer, { method: 'GET', headers: {} })).text()
        : readFileSync(peer, 'utf8');
      theirs = (JSON.parse(text) as Partial<WitnessState>).note ?? '';
    } catch (e) {
      o.write(`witness: peer ${peer} could not be read: ${(e as Error).message}\n`);
      continue;
    }
    const pv = verifyCheckpoint(theirs, key, [], { allowUnknown: true, origin: key.name });
    if (!pv.ok || !pv.checkpoint) {
      o.write(`witness: peer ${peer}'s checkpoint is not signed by the log key as this witness knows it; skipped\n`);
      continue;
    }
    const p = pv.checkpoint;
    if (p.origin !== cp.origin) continue;
    if (p.size === cp.size) {
      if (!hashesEqual(p.rootHash, cp.rootHash))
        throw new Refusal(
          'split-view',
          `peer ${peer} was shown size ${p.size} with root ${b64(p.rootHash)}, this witness root ${b64(cp.rootHash)}: the log shows different histories to different parties`,
          [ours, theirs],
        );
      continue;
    }
    const [small, large] = p.size < cp.size ? [p, cp] : [cp, p];
    const a = await client.call('getLogProofConsistency', { query: { from: small.size, to: large.size } });
    if (a.status === 400 && large === p) {
      o.write(
        `witness: peer ${peer} has seen size ${p.size}, beyond what ${o.url} shows (${cp.size}); compared next time\n`,
      );
      continue;
    }
    const proof = a.status === 200 ? a.body.proof.map(unb64) : [];
    if (!verifyConsistency(small.size, large.size, small.rootHash, large.rootHash, proof).ok)
      throw new Refusal(
        'split-view',
        `peer ${peer}'s checkpoint of size ${p.size} and this witness's of size ${cp.size} are not one history: the log shows different histories to different parties`,
        [ours, theirs],
      );
  }
}

function ownLine(note: string, signer: Signer): string {
  return note.split('\n').find((l) => l.startsWith(`— ${signer.name} `)) ?? '\u0000';
}

/** The served note without a line of ours (the server may already carry an earlier one of the same size). */
function stripOwn(note: string, signer: Signer): string {
  return note
    .split('\n')
    .filter((l) => !l.startsWith(`— ${signer.name} `))
    .join('\n');
}

function mustVkey(text: string): Verifier {
  const v = parseVkey(text);
  if (!v.ok) throw new UsageError(`the state's log key is not a vkey: ${v.error.message}`);
  return v.verifier;
}

function vkeyOf(v: Verifier): string {
  return encodeVkey({ name: v.name, type: v.type, publicKey: v.publicKey });
}

/** The witness's signing key from its file, created (0600) with `name` when missing. */
export async function witnessKey(
  path: string,
  name: string | undefined,
): Promise<{ signer: Signer; created: boolean }> {
  const { newLogKeyPem, readLogKeyFile, writeLogKeyFile } = await import('../log-key-file.js');
  let created = false;
  if (!existsSync(path)) {
    if (!name) throw new UsageError(`${path} does not exist: pass --name NAME to create a witness key there`);
    writeLogKeyFile(path, newLogKeyPem(), name, true);
    created = true;
  }
  const k = readLogKeyFile(path);
  const keyName = k.origin ?? name;
  if (!keyName) throw new UsageError(`${path} does not name the witness: pass --name NAME`);
  if (name && k.origin && name !== k.origin)
    throw new UsageError(`${path} is the key of witness ${k.origin}, not ${name}`);
  return { signer: ed25519Signer(keyName, k.privateKey), created };
}

export function witnessVkey(signer: Signer): string {
  return encodeVkey({ name: signer.name, type: SIG_COSIGNATURE_V1, publicKey: signer.publicKey });
}

interface WitnessFlags {
  url: string;
  witnessKey: string;
  state: string;
  name?: string;
  logKey?: string;
  peer?: string[];
  interval?: string;
  once?: boolean;
}

export function register(program: Command): void {
  const cmd = program
    .command('witness')
    .description(
      'witness the transparency log: check each checkpoint is consistent with the last one cosigned, cosign it, compare with other witnesses; refuse (exit 1, alarm logged) on a fork, rollback or split view',
    );
  shared(cmd, {
    url: { required: true },
    witnessKey: { required: true, note: 'created 0600 with --name when missing', aliases: ['--key'] },
    logKey: { note: "default: the state's, or the server's on first contact" },
  })
    .requiredOption(
      '--state <file>',
      'where the last cosigned checkpoint is kept (other witnesses may read it: --peer)',
    )
    .option('--name <name>', 'the witness name, for a new key file (e.g. witness.example/fr)')
    .option(
      '--peer <url|file>',
      "another witness's state file or URL, compared each poll (repeatable)",
      (v: string, p: string[] = []) => [...p, v],
    )
    .option('--interval <seconds>', 'seconds between polls (default 1)')
    .option('--once', 'poll once and exit')
    .action(async (flags: WitnessFlags) => {
      const interval = flags.interval === undefined ? 1 : Number(flags.interval);
      if (!(interval > 0))
        throw new UsageError(`--interval must be a positive number of seconds, got "${flags.interval}"`);
      const { signer, created } = await witnessKey(flags.witnessKey, flags.name);
      const vkey = witnessVkey(signer);
      process.stdout.write(
        `witness: ${created ? 'created' : 'using'} the key of ${signer.name}; register it (POST /v1/log/witnesses) and name it in the package: ${vkey}\n`,
      );
      let stopping = false;
      for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => (stopping = true));
      process.exitCode = await runWitness(
        {
          url: flags.url,
          signer,
          statePath: flags.state,
          ...(flags.logKey ? { logKey: readVkey(flags.logKey, SIG_ED25519, '--log-key') } : {}),
          peers: flags.peer ?? [],
          intervalMs: interval * 1000,
          once: !!flags.once,
          now: () => new Date(),
          sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
          write: (s) => (s.startsWith('WITNESS REFUSES') ? process.stderr : process.stdout).write(s),
          stop: () => stopping,
        },
        fetch as unknown as Fetch,
      );
    });
}
