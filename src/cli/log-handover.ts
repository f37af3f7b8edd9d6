/**
 * Following the log's key from one a client trusts to the one that signed a checkpoint (docs/tlog.md, "Rotating
 * the key"): the latest `log-key` entry, proven in the checkpoint's tree, then each handover's predecessor by index,
 * until a handover signed by the trusted key. Every handover is signed by its old key and accepted by its new one,
 * so the chain is as trustworthy as the key it starts from, whoever serves it. Shared by `log verify` and `witness`.
 */
import {
  decodeEntry,
  hashLeaf,
  parseNote,
  parseVkey,
  readLogKeyRecord,
  sameLogKey,
  verifyInclusion,
  type Checkpoint,
  type Verifier,
} from '../core/tlog/index.js';
import type { ApiClient } from './api-client.js';

const unb64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

/** The key in force at `cp`, reached from `trusted` through logged handovers; or why not. */
export async function followHandovers(
  client: ApiClient,
  cp: Checkpoint,
  trusted: Verifier,
): Promise<{ ok: true; key: Verifier; steps: number } | { ok: false; message: string }> {
  const proofOf = async (query: { kind: string; id: string } | { index: number }) => {
    const a = await client.call('getLogProofInclusion', { query: { ...query, size: cp.size } });
    if (a.status !== 200 || a.body.index === undefined) return undefined;
    return { index: a.body.index, proof: a.body.proof ?? [] };
  };
  let p = await proofOf({ kind: 'log-key', id: cp.origin });
  let newest: Verifier | undefined;
  let expectTo: Verifier | undefined;
  for (let step = 0; step < 32 && p; step++) {
    const a = await client.call('getLogEntries', { query: { start: p.index, end: p.index + 1 } });
    const e = a.status === 200 ? a.body.entries?.[0] : undefined;
    const bytes = e?.entry ? unb64(e.entry) : new Uint8Array(0);
    const leaf = hashLeaf(bytes);
    const inc = verifyInclusion(p.index, cp.size, leaf, p.proof.map(unb64), cp.rootHash);
    if (!inc.ok) return { ok: false, message: `the log-key entry ${p.index} is not in the checkpoint's tree` };
    const d = decodeEntry(bytes);
    const r = d.ok && d.entry.kind === 'log-key' ? readLogKeyRecord(d.entry.record) : undefined;
    if (!r?.ok)
      return { ok: false, message: `entry ${p.index} is not a valid log-key entry${r ? `: ${r.message}` : ''}` };
    if (expectTo && !sameLogKey(r.key, expectTo))
      return { ok: false, message: `the handovers do not join at entry ${p.index}` };
    newest ??= r.key;
    if (r.record.event === 'created')
      return sameLogKey(r.key, trusted) && sameLogKey(newest, trusted)
        ? { ok: true, key: newest, steps: step }
        : { ok: false, message: `the log names no handover from the key given (${trusted.name}) to its current key` };
    const from = parseVkey(r.record.from);
    if (!from.ok) return { ok: false, message: `entry ${p.index}: ${from.error.message}` };
    if (sameLogKey(from.verifier, trusted)) return { ok: true, key: newest, steps: step + 1 };
    expectTo = from.verifier;
    p = await proofOf({ index: r.record.previous });
  }
  return {
    ok: false,
    message: `no chain of handovers leads from the key given (${trusted.name}) to the key that signed size ${cp.size}`,
  };
}

const idOf = (name: string, keyId: number) => `${name}+${keyId.toString(16).padStart(8, '0')}`;

/** Where the key given does not sign a checkpoint: followed to the key that does, or told apart as below. */
export type KeyResolution =
  | { ok: true; key: Verifier; steps: number }
  /** The log's key, as the client knows it, no longer signs and nothing logged hands it over: tampering. */
  | { ok: false; tampering: string }
  /** The key given was never this log's: a usage error (exit 3), worded with the fix. */
  | { ok: false; wrongKey: string };

/**
 * The key to check a checkpoint with, starting from the one the client trusts. A log signature by that key (right
 * or forged) is checked as it is; one by another key of the same name is followed through the logged handovers.
 * When none leads there, the key given is either one the log once had (named in its own key entries, or one this
 * client verified it with before: `verifiedBefore`): a key swapped without a handover, tampering; or a key the log
 * never had: the wrong key, said in one line naming both keys and where to fetch the right one.
 */
export async function resolveLogKey(
  client: ApiClient,
  note: string,
  cp: Checkpoint,
  trusted: Verifier,
  opts: { url: string; flag: string; verifiedBefore?: boolean },
): Promise<KeyResolution> {
  const n = parseNote(note);
  const sigs = n.ok ? n.note.signatures : [];
  // No log signature at all, or one by the key given: verifying says what is wrong (missing, forged).
  const logSigs = sigs.filter((s) => s.name === cp.origin);
  if (!logSigs.length || sigs.some((s) => s.name === trusted.name && s.keyId === trusted.keyId))
    return { ok: true, key: trusted, steps: 0 };
  let why = 'no logged handover leads from the key given to the key that signs';
  if (trusted.name === cp.origin) {
    const f = await followHandovers(client, cp, trusted);
    if (f.ok) return f;
    why = f.message;
  }
  const signer = logSigs.map((s) => idOf(s.name, s.keyId)).join(', ');
  const given = idOf(trusted.name, trusted.keyId);
  if (opts.verifiedBefore)
    return {
      ok: false,
      tampering: `checkpoint: signed by another key than ${trusted.name}'s (${signer}, not ${given}, the key this log was verified with before), and ${why}`,
    };
  if (trusted.name === cp.origin && (await logNamesKey(client, cp, trusted)))
    return { ok: false, tampering: `checkpoint: signed by another key than ${trusted.name}'s (${signer}), and ${why}` };
  const base = opts.url.replace(/\/+$/, '');
  return {
    ok: false,
    wrongKey:
      `the checkpoint of ${base} is not signed by the key given: ${opts.flag} is ${given}, the checkpoint is signed by ${signer}` +
      `${trusted.name === cp.origin ? '' : ` (the log ${cp.origin})`}, and the log never named the key given. ` +
      `Give ${opts.flag} the log's public key: \`guarantor log key --db DB\` where the server runs, or GET ${base}/v1/log/key ` +
      `(if the key given came from the log's operator out of band, the server signs with a key it never handed over to: treat that as tampering)`,
  };
}

/**
 * Whether the log's own key entries name `key` (created with it, or handed over from or to it): walked back from
 * the newest through each handover's predecessor and, past a creation, the log-key entry before it.
 */
async function logNamesKey(client: ApiClient, cp: Checkpoint, key: Verifier): Promise<boolean> {
  let below = cp.size;
  for (let step = 0; step < 64 && below > 0; step++) {
    const a = await client.call('getLogProofInclusion', {
      query: { kind: 'log-key', id: cp.origin, size: below },
    });
    if (a.status !== 200 || a.body.index === undefined) return false;
    const index = a.body.index;
    const e = await client.call('getLogEntries', { query: { start: index, end: index + 1 } });
    const bytes = e.status === 200 && e.body.entries?.[0]?.entry ? unb64(e.body.entries[0].entry) : undefined;
    const d = bytes ? decodeEntry(bytes) : undefined;
    const r = d?.ok && d.entry.kind === 'log-key' ? readLogKeyRecord(d.entry.record) : undefined;
    if (r?.ok) {
      const named = r.record.event === 'created' ? [r.record.vkey] : [r.record.from, r.record.to];
      if (
        named.some((v) => {
          const p = parseVkey(v);
          return p.ok && sameLogKey(p.verifier, key);
        })
      )
        return true;
    }
    below = index;
  }
  return false;
}
