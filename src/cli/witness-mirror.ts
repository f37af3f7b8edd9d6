/**
 * A witness's mirror of the log (docs/tlog.md, "What a witness keeps"): the leaf hash of every entry it has
 * cosigned, 32 bytes each in index order, in `<state file>.leaves` beside its state. Append-only, like the log; the
 * state file records how many leaves it holds and the right edge of their tree, so each poll fetches only the new
 * leaves (`GET /v1/log/leaves`) and checks them against the checkpoint it is about to cosign.
 *
 * What it is for: the witness's cosignature commits to a root, and its mirror to the leaves under that root. An
 * auditor given the state and the mirror (`log audit --witness-state`) checks the cosignature with the key the
 * package names, checks the mirror gives the cosigned root, and then compares the database leaf by leaf: an operator
 * who rewrote a record, recomputed the tree and re-signed with everything the server holds is named at the entry it
 * rewrote. Neither file needs to be trusted: a mirror that does not give the cosigned root is refused.
 */
import { appendFileSync, existsSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { CompactRange, hashesEqual, type Checkpoint } from '../core/tlog/index.js';
import type { WitnessAnchor } from '../store/log-audit.js';
import { ServerError, refusal, type ApiClient, type Fetch } from './api-client.js';
import { UsageError } from './usage-error.js';

/** Where a witness state's mirror lives: beside it, by name, for files and URLs alike. */
export const leavesPathOf = (statePath: string): string => `${statePath}.leaves`;

/** The mirror as the state file records it. */
export interface MirrorState {
  /** Leaves held (the size of the tree they make). */
  leaves: number;
  /** Frontier node hashes of that tree (base64), largest first: enough to keep appending. */
  frontier: string[];
}

/** Leaves per request: the route's maximum. */
const PAGE = 10_000;
const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');
const unb64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

/**
 * Extends the mirror at `path` to the checkpoint `cp`, fetching the leaves it lacks, and returns the mirror's new
 * state. The leaves must give the checkpoint's root; otherwise the file is cut back to what it held and a
 * ServerError says so (leaves served that are not the signed tree prove nothing against the log: not cosigned,
 * retried). A mirror file shorter than its state says (lost, or copied without it) is rebuilt from the start.
 */
export async function extendMirror(
  client: ApiClient,
  path: string,
  have: MirrorState | undefined,
  cp: Checkpoint,
  write: (s: string) => void,
): Promise<MirrorState> {
  let count = have?.leaves ?? 0;
  let frontier = have?.frontier ?? [];
  const bytes = existsSync(path) ? statSync(path).size : 0;
  if (bytes < count * 32) {
    write(`witness: the leaf mirror ${path} holds ${Math.floor(bytes / 32)} of ${count} leaves; rebuilding it\n`);
    count = 0;
    frontier = [];
  }
  if (count === 0) writeFileSync(path, new Uint8Array(0));
  else if (bytes > count * 32) truncateSync(path, count * 32); // appended, then stopped before the state was saved
  if (count > cp.size)
    throw new UsageError(`the leaf mirror holds ${count} leaves, more than the checkpoint cosigned (${cp.size})`);
  const range = CompactRange.fromFrontier(count, frontier.map(unb64));
  for (let from = count; from < cp.size;) {
    const to = Math.min(cp.size, from + PAGE);
    const a = await client.call('getLogLeaves', { query: { start: from, end: to } });
    if (a.status !== 200) throw new ServerError(`GET v1/log/leaves: ${refusal(a)}`);
    const packed = unb64(a.body.leaves);
    const n = packed.length / 32;
    if (a.body.start !== from || !Number.isInteger(n) || n === 0 || n > to - from || a.body.end !== from + n) {
      truncateSync(path, count * 32);
      throw new ServerError(`GET v1/log/leaves?start=${from}&end=${to} gave ${packed.length} bytes, not leaf hashes`);
    }
    const leaves: Uint8Array[] = [];
    for (let i = 0; i < n; i++) leaves.push(packed.subarray(i * 32, (i + 1) * 32));
    range.append(leaves);
    appendFileSync(path, packed);
    from += n;
  }
  if (!hashesEqual(range.root(), cp.rootHash)) {
    truncateSync(path, count * 32);
    throw new ServerError(
      `the leaf hashes served for entries ${count}..${cp.size - 1} do not give the signed root of size ${cp.size}: the server serves leaves that are not its log; not cosigned`,
    );
  }
  return { leaves: cp.size, frontier: range.frontier().map((f) => b64(f.hash)) };
}

/** Reads a witness's state and its mirror, from files or from URLs (a witness publishes both, as for `--peer`). */
export async function readWitnessAnchor(where: string, doFetch: Fetch): Promise<WitnessAnchor> {
  const url = /^https?:\/\//.test(where);
  const read = async (at: string): Promise<Uint8Array> => {
    if (!url) return new Uint8Array(readFileSync(at));
    const res = await doFetch(at, { method: 'GET', headers: {} });
    if (res.status !== 200) throw new Error(`GET ${at}: ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  };
  try {
    const state = JSON.parse(Buffer.from(await read(where)).toString('utf8')) as { version?: unknown; note?: unknown };
    if (state.version !== 1 || typeof state.note !== 'string')
      throw new Error('not a guarantor witness state (version 1)');
    return { from: where, note: state.note, leaves: await read(leavesPathOf(where)) };
  } catch (e) {
    throw new UsageError(`--witness-state ${where}: ${(e as Error).message}`);
  }
}
