/**
 * The client side of `guarantor log verify` (docs/tlog.md, "CLI"): fetch the latest checkpoint, check the log's
 * signature and the witnesses' cosignatures, prove it consistent with the checkpoint saved last time, re-hash every
 * entry since and fold them onto the saved right edge of the tree (which must give the signed root), and only then
 * save the new checkpoint. A server that rewrote history, rolled back, or serves entries that are not its tree
 * fails here, whoever signed it.
 */
import { ApiClient, ServerError, refusal, type Fetch } from './api-client.js';
import { resolveLogKey } from './log-handover.js';
import { plural } from './options.js';
import {
  CompactRange,
  LogKeyChain,
  decodeEntry,
  encodeVkey,
  hashLeaf,
  hashesEqual,
  parseCheckpoint,
  parseVkey,
  sameLogKey,
  verifyCheckpoint,
  verifyConsistency,
  type Checkpoint,
  type Verifier,
} from '../core/tlog/index.js';
import { recordIdOf } from '../store/log-entries.js';

/** What a client keeps between runs: the last verified checkpoint and the right edge of its tree. */
export interface VerifyState {
  version: 1;
  origin: string;
  size: number;
  /** base64 */
  root: string;
  note: string;
  /** Frontier node hashes (base64), largest first: enough to keep hashing entries from `size` on. */
  frontier: string[];
  /** The log's key in force at `size` (a vkey), when it was handed over since the key given with --key. */
  key?: string;
}

export interface VerifyOptions {
  url: string;
  serverKey: Verifier;
  witnessKeys: Verifier[];
  /** How many of `witnessKeys` must have cosigned the checkpoint verified; it is the latest one they did. */
  quorum?: number;
  state?: VerifyState;
  now: Date;
}

export interface VerifyResult {
  ok: boolean;
  /** Tampering, forks and bad signatures: exit 1. */
  problems: string[];
  /** The key given is not this log's and never was (one line, with the fix): exit 3. */
  wrongKey?: string;
  lines: string[];
  checkpoint?: Checkpoint;
  entriesChecked: number;
  /** Entries the server withheld from the public (logged in the clear before sealing): checked by leaf hash only. */
  withheld: number;
  state?: VerifyState;
}

const PAGE = 1000;
const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');
const unb64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

export async function verifyLog(opts: VerifyOptions, doFetch: Fetch): Promise<VerifyResult> {
  const problems: string[] = [];
  const lines: string[] = [];
  const out: VerifyResult = { ok: false, problems, lines, entriesChecked: 0, withheld: 0 };
  const client = new ApiClient(opts.url, doFetch);
  // A declared refusal where the step cannot go on: the server, not the log, is at fault (exit 2).
  const text = async (what: string, a: { status: number; body: unknown; bytes: Uint8Array }) => {
    if (a.status !== 200) throw new ServerError(`${what}: ${refusal(a)}`);
    return a.body as string;
  };
  const latestNote = async () => text('GET v1/log/checkpoint', await client.call('getLogCheckpoint', {}));
  const quorum = opts.quorum ?? 0;
  const names = opts.witnessKeys.map((w) => w.name);
  let note: string;
  if (quorum > 0) {
    const a = await client.call('getLogCheckpoint', { query: { witnesses: names.join(','), quorum } });
    if (a.status === 404) {
      // None has the quorum: name who is missing on the latest checkpoint.
      const latest = await latestNote();
      const v = verifyCheckpoint(latest, opts.serverKey, opts.witnessKeys, { allowUnknown: true, now: opts.now });
      const have = new Set(v.verifiedWitnesses.map((w) => w.name));
      const missing = names.filter((n) => !have.has(n));
      problems.push(
        `witnesses: no checkpoint carries ${plural(quorum, 'valid cosignature')} of ${names.join(', ')}; the latest (size ${v.checkpoint?.size ?? '?'}) lacks ${missing.join(', ')}`,
      );
      return out;
    }
    note = await text('GET v1/log/checkpoint', a);
  } else note = await latestNote();
  // The key the client trusts: the one given, or the one a saved state reached through handovers.
  const known = opts.state?.key ? parseVkey(opts.state.key) : undefined;
  const trusted = known?.ok ? known.verifier : opts.serverKey;
  let key = trusted;
  const check = (k: Verifier) =>
    verifyCheckpoint(note, k, opts.witnessKeys, { allowUnknown: true, now: opts.now, quorum, origin: k.name });
  let v = check(key);
  const parsed = parseCheckpoint(note);
  if (!v.ok && parsed.ok) {
    // This client verified the log with the trusted key before when the saved checkpoint bears its signature.
    const verifiedBefore =
      opts.state !== undefined &&
      verifyCheckpoint(opts.state.note, trusted, [], { allowUnknown: true, origin: trusted.name }).ok;
    const r = await resolveLogKey(client, note, parsed.checkpoint, key, {
      url: opts.url,
      flag: '--log-key',
      verifiedBefore,
    });
    if ('wrongKey' in r) {
      out.wrongKey = r.wrongKey;
      return out;
    }
    if ('tampering' in r) problems.push(r.tampering);
    else if (r.steps > 0) {
      lines.push(`the log's key was handed over ${plural(r.steps, 'time')} since the key given; now ${vkeyOf(r.key)}`);
      key = r.key;
      v = check(key);
    }
  }
  if (!v.ok || !v.checkpoint) {
    problems.push(...v.errors.map((e) => `checkpoint: ${e.message}`)); // a TlogError names its line
    if (v.errors.some((e) => e.code === 'witness-quorum')) {
      const have = new Set(v.verifiedWitnesses.map((w) => w.name));
      problems.push(`witnesses: no valid cosignature from ${names.filter((n) => !have.has(n)).join(', ')}`);
    }
    return out;
  }
  const cp = v.checkpoint;
  out.checkpoint = cp;
  lines.push(`checkpoint ${cp.origin} size ${cp.size} root ${b64(cp.rootHash)} signed ${cp.time.toISOString()}`);
  lines.push(
    v.verifiedWitnesses.length
      ? `cosigned by ${v.verifiedWitnesses.map((w) => `${w.name} (${w.time.toISOString()})`).join(', ')}`
      : 'no cosignature from a configured witness',
  );
  if (v.ignored.length)
    lines.push(`ignored signatures from keys not configured: ${v.ignored.map((i) => i.name).join(', ')}`);
  // The log-key entries re-hashed below must agree with the key that signed (a handover never logged is refused).
  const chain = new LogKeyChain(opts.state ? { vkey: vkeyOf(trusted), from: 0 } : undefined);

  const prev = opts.state;
  let range = new CompactRange();
  if (prev) {
    if (prev.origin !== cp.origin) {
      problems.push(`the saved checkpoint is from ${prev.origin}, this log is ${cp.origin}`);
      return out;
    }
    const prevRoot = unb64(prev.root);
    if (cp.size < prev.size) {
      problems.push(`rollback: the log shows ${cp.size} entries, but a checkpoint of ${prev.size} was verified before`);
      return out;
    }
    if (cp.size === prev.size && !hashesEqual(prevRoot, cp.rootHash)) {
      problems.push(
        `fork: two signed checkpoints of size ${cp.size} with different roots (saved ${prev.root}, now ${b64(cp.rootHash)})`,
      );
      return out;
    }
    if (cp.size > prev.size) {
      const a = await client.call('getLogProofConsistency', { query: { from: prev.size, to: cp.size } });
      if (a.status !== 200) throw new ServerError(`GET v1/log/proof/consistency: ${refusal(a)}`);
      const proof = (a.body.proof ?? []).map(unb64);
      const c = verifyConsistency(prev.size, cp.size, prevRoot, cp.rootHash, proof);
      if (!c.ok) {
        problems.push(
          `fork: the log at ${cp.size} is not an extension of the checkpoint of ${prev.size} verified before (${c.error.message}): history was rewritten`,
        );
        return out;
      }
      lines.push(`consistent with the saved checkpoint of size ${prev.size}`);
    }
    range = CompactRange.fromFrontier(prev.size, prev.frontier.map(unb64));
    if (!hashesEqual(range.root(), prevRoot)) {
      problems.push('the saved state is corrupt: its frontier does not give its root');
      return out;
    }
  }

  // Re-hash every entry since, onto the saved right edge.
  for (let from = range.size; from < cp.size; from += PAGE) {
    const to = Math.min(cp.size, from + PAGE);
    const a = await client.call('getLogEntries', { query: { start: from, end: to } });
    if (a.status !== 200) throw new ServerError(`GET v1/log/entries: ${refusal(a)}`);
    const entries = a.body.entries ?? [];
    const leaves: Uint8Array[] = [];
    for (let i = from; i < to; i++) {
      const e = entries[i - from];
      if (!e || e.index !== i) {
        problems.push(`entries: the server did not return entry ${i}`);
        return out;
      }
      // Logged in the clear before records were sealed, and not for the public to read (docs/tlog.md): the leaf hash
      // alone still folds into the signed root; `log verify-votes` with a key that may read it checks the bytes.
      if (e.withheld && e.leaf && !e.entry) {
        const leaf = unb64(e.leaf);
        if (leaf.length !== 32) problems.push(`entry ${i}: the withheld entry's leaf hash is not 32 bytes`);
        leaves.push(leaf);
        out.withheld++;
        continue;
      }
      const bytes = unb64(e.entry ?? '');
      const d = decodeEntry(bytes);
      // Empty: the server rebuilds this entry from its record's row (migration 0006), and the row is gone.
      if (!bytes.length) problems.push(`entry ${i}: the server no longer holds its record (${e.kind} ${e.recordId})`);
      else if (!d.ok) problems.push(`entry ${i}: ${d.error.message}`);
      else if (d.entry.kind !== e.kind || recordIdOf(d.entry.kind, d.entry.record) !== e.recordId)
        problems.push(
          `entry ${i}: served as ${e.kind} ${e.recordId} but logs ${d.entry.kind} ${recordIdOf(d.entry.kind, d.entry.record) ?? '?'}`,
        );
      else if (d.entry.kind === 'log-key') chain.apply(i, d.entry.record);
      leaves.push(hashLeaf(bytes));
    }
    range.append(leaves);
    out.entriesChecked += leaves.length;
  }
  if (!hashesEqual(range.root(), cp.rootHash)) {
    problems.push(
      `entries: the ${out.entriesChecked} entries served since size ${prev?.size ?? 0} do not give the signed root: the server serves entries that are not its log`,
    );
    return out;
  }
  lines.push(
    `re-hashed ${plural(out.entriesChecked, 'entry', 'entries')} since size ${prev?.size ?? 0}: they give the signed root${out.withheld ? ` (${out.withheld} withheld from the public, by leaf hash)` : ''}`,
  );
  problems.push(...chain.problems);
  if (chain.keys.length && !chain.signersAt(cp.size, trusted).some((k) => sameLogKey(k, key)))
    problems.push(
      `checkpoint: the log's own log-key entries (${chain.keys.map((k) => k.vkey).join(', ')}) do not put ${vkeyOf(key)} in force at size ${cp.size}`,
    );
  if (problems.length) return out;
  out.ok = true;
  out.state = {
    version: 1,
    origin: cp.origin,
    size: cp.size,
    root: b64(cp.rootHash),
    note,
    frontier: range.frontier().map((f) => b64(f.hash)),
    ...(sameLogKey(key, opts.serverKey) ? {} : { key: vkeyOf(key) }),
  };
  return out;
}

function vkeyOf(v: Verifier): string {
  return encodeVkey({ name: v.name, type: v.type, publicKey: v.publicKey });
}
