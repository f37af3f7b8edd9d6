/**
 * `guarantor log verify-votes` (docs/tlog.md, "Checking the votes"): that every revealed vote in the log is the one
 * its member signed, from anywhere, with nothing but the log's public key. It fetches the latest checkpoint and
 * every entry (they must give the signed root), takes each member's keys from the log's `member-key` entries, then
 * fetches the openings the caller may read (a decided case's votes for anyone; every vote for an auditor key) and
 * checks each: the salt and record hash to the logged commitment, and the signed statement verifies under a key of
 * that member registered before the vote was cast and says what the record says. Votes of open cases stay sealed
 * and are counted, not read.
 */
import { ApiClient, refusal, ServerError, type Fetch } from './api-client.js';
import {
  CompactRange,
  decodeEntry,
  hashLeaf,
  hashesEqual,
  isSealed,
  parseCheckpoint,
  verifyCheckpoint,
  verifyOpening,
  type JsonValue,
  type Verifier,
} from '../core/tlog/index.js';
import { verifyLoggedVote, type LoggedVote } from '../core/ops/index.js';
import { recordIdOf, voteCaseOf } from '../store/log-entries.js';
import { resolveLogKey } from './log-handover.js';
import { WrongLogKey } from './usage-error.js';

export interface VoteCheckOptions {
  url: string;
  serverKey: Verifier;
  /** An API key (an auditor's reads the votes of open cases too). */
  apiKey?: string;
  now: Date;
}

export interface VoteCheckResult {
  ok: boolean;
  problems: string[];
  /** Votes and refused votes whose signature and commitment verified. */
  verified: number;
  /** Still sealed for this caller (their case is open). */
  sealed: number;
  /** Logged before votes carried their signed statement (migration 0015): the digest only, nothing to verify. */
  unsigned: number;
  size: number;
}

const PAGE = 1000;
const unb64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
type Json = { [key: string]: JsonValue };

interface KeyEntry {
  index: number;
  member: string;
  publicKey: string;
  createdAt: number;
  revokedAt?: number;
}

export async function verifyVotes(opts: VoteCheckOptions, doFetch: Fetch): Promise<VoteCheckResult> {
  const out: VoteCheckResult = { ok: false, problems: [], verified: 0, sealed: 0, unsigned: 0, size: 0 };
  const client = new ApiClient(opts.url, doFetch, opts.apiKey);
  const note = await client.call('getLogCheckpoint', {});
  if (note.status !== 200) throw new ServerError(`GET v1/log/checkpoint: ${refusal(note)}`);
  const check = (k: Verifier) =>
    verifyCheckpoint(note.body as string, k, [], { allowUnknown: true, now: opts.now, origin: k.name });
  let cp = check(opts.serverKey);
  const parsed = parseCheckpoint(note.body as string);
  if (!cp.ok && parsed.ok) {
    // Another key signs: a logged handover from the key given, a key never handed over (tampering), or a wrong key.
    const r = await resolveLogKey(client, note.body as string, parsed.checkpoint, opts.serverKey, {
      url: opts.url,
      flag: '--log-key',
    });
    if ('wrongKey' in r) throw new WrongLogKey(r.wrongKey);
    if ('tampering' in r) out.problems.push(r.tampering);
    else if (r.steps > 0) cp = check(r.key);
  }
  if (!cp.ok || !cp.checkpoint) {
    out.problems.push(...cp.errors.map((e) => `checkpoint: ${e.message}`));
    return out;
  }
  const size = (out.size = cp.checkpoint.size);
  const range = new CompactRange();
  const keys = new Map<string, KeyEntry>();
  const votes: { index: number; kind: string; recordId: string; record: Json }[] = [];
  const withheldLeaves = new Map<number, Uint8Array>();
  for (let from = 0; from < size; from += PAGE) {
    const to = Math.min(size, from + PAGE);
    const a = await client.call('getLogEntries', { query: { start: from, end: to } });
    if (a.status !== 200) throw new ServerError(`GET v1/log/entries: ${refusal(a)}`);
    let hasVotes = false;
    const entries = (a.body.entries ?? []) as {
      index: number;
      kind: string;
      recordId: string;
      entry?: string;
      leaf?: string;
      withheld?: string;
    }[];
    for (const e of entries) {
      const bytes = unb64(e.entry ?? '');
      const leaf = e.withheld && e.leaf ? unb64(e.leaf) : hashLeaf(bytes);
      if (e.withheld) withheldLeaves.set(e.index, leaf);
      range.append([leaf]);
      if (voteCaseOf(e.kind, e.recordId) !== undefined) {
        hasVotes = true;
        const d = bytes.length ? decodeEntry(bytes) : undefined;
        votes.push({ index: e.index, kind: e.kind, recordId: e.recordId, record: d?.ok ? d.entry.record : {} });
      }
      if (e.kind !== 'member-key' || !bytes.length) continue;
      const d = decodeEntry(bytes);
      if (!d.ok) continue;
      const r = d.entry.record as unknown as Omit<KeyEntry, 'index'> & { fingerprint: string };
      // The latest entry of a key is its state (a revocation is logged again); its first says when it was registered.
      const k = `${r.member}/${r.fingerprint}`;
      const first = keys.get(k);
      keys.set(k, { ...r, index: first?.index ?? e.index, createdAt: r.createdAt });
    }
    if (!hasVotes) continue;
    const ca = await client.call('getLogContents', { query: { start: from, end: to } });
    if (ca.status !== 200) throw new ServerError(`GET v1/log/contents: ${refusal(ca)}`);
    const c = ca.body as unknown as { contents: { index: number; salt?: string; record?: Json; entry?: string }[] };
    for (const x of c.contents) {
      const v = votes.find((y) => y.index === x.index);
      if (!v) continue;
      if (x.salt !== undefined && x.record !== undefined) {
        const o = verifyOpening(v.record, { salt: x.salt, record: x.record }, (r) => recordIdOf(v.kind, r));
        if (!o.ok) out.problems.push(`entry ${v.index} (${v.recordId}): ${o.reason}`);
        else v.record = x.record;
      } else if (x.entry !== undefined) {
        // An entry logged in the clear before sealing: its bytes must be the leaf the tree holds.
        const bytes = unb64(x.entry);
        const d = decodeEntry(bytes);
        const leaf = withheldLeaves.get(x.index);
        if (!d.ok || !leaf || !hashesEqual(hashLeaf(bytes), leaf))
          out.problems.push(`entry ${v.index} (${v.recordId}): the bytes served are not the logged entry`);
        else v.record = d.entry.record;
      }
    }
  }
  if (!hashesEqual(range.root(), cp.checkpoint.rootHash)) {
    out.problems.push(`the ${size} entries served do not give the signed root: they are not the log`);
    return out;
  }
  for (const v of votes) {
    if (isSealed(v.record) || !Object.keys(v.record).length) {
      out.sealed++;
      continue;
    }
    const caseId = String(v.record['case']);
    const vote = (v.kind === 'vote' ? v.record['vote'] : v.record['rejection']) as unknown as
      (LoggedVote & { at: number }) | undefined;
    if (!vote) {
      out.problems.push(`entry ${v.index} (${v.recordId}): no vote in the record`);
      continue;
    }
    if (!vote.signed) {
      out.unsigned++;
      continue;
    }
    const memberKeys = [...keys.values()]
      .filter(
        (k) =>
          k.member === vote.member &&
          k.index < v.index &&
          k.createdAt <= vote.at &&
          (k.revokedAt === undefined || k.revokedAt > vote.at),
      )
      .map((k) => k.publicKey);
    const r = verifyLoggedVote(caseId, vote, memberKeys);
    if (r.ok) out.verified++;
    else out.problems.push(`entry ${v.index} (${v.recordId}): ${r.reason}`);
  }
  out.ok = out.problems.length === 0;
  return out;
}
