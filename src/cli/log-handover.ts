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

/** True when the note's log signature is by a key of that name other than `key` (a rotation, or a stranger). */
export function signedByAnotherKey(note: string, key: Verifier): boolean {
  const n = parseNote(note);
  if (!n.ok) return false;
  const mine = n.note.signatures.some((s) => s.name === key.name && s.keyId === key.keyId);
  return !mine && n.note.signatures.some((s) => s.name === key.name);
}

/** The key in force at `cp`, reached from `trusted` through logged handovers; or why not. */
export async function followHandovers(
  client: ApiClient,
  cp: Checkpoint,
  trusted: Verifier,
): Promise<{ ok: true; key: Verifier; steps: number } | { ok: false; message: string }> {
  const proofOf = async (query: { kind: string; id: string } | { index: number }) => {
    const a = await client.call('getLogProofInclusion', { query: { ...query, size: cp.size } });
    if (a.status !== 200) return undefined;
    return { index: a.body.index, proof: a.body.proof };
  };
  let p = await proofOf({ kind: 'log-key', id: cp.origin });
  let newest: Verifier | undefined;
  let expectTo: Verifier | undefined;
  for (let step = 0; step < 32 && p; step++) {
    const a = await client.call('getLogEntries', { query: { start: p.index, end: p.index + 1 } });
    const e = a.status === 200 ? a.body.entries[0] : undefined;
    const bytes = e ? unb64(e.entry) : new Uint8Array(0);
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
