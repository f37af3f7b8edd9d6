/**
 * Transparent but not indiscreet (docs/tlog.md, "Who sees what"). The log keeps a commitment for every record the
 * public may not read through the API (observations, incident revisions, violations and case openings, which name
 * the observations behind them; votes and refused votes until their case is decided), so serving its entries
 * reveals nothing; the records themselves (their openings) are served here only to those who may read them:
 *
 * - an observation: the roles that read raw observations; an incident revision or violation: the roles that read
 *   findings; a case opening: the roles that read cases;
 * - a vote or refused vote: everyone once its case is decided;
 * - everything: auditors.
 *
 * Entries logged in the clear before migration 0015 are withheld from the public by the same rules: their bytes are
 * served here, their leaf hash with the entry, so the tree still verifies.
 */
import { admits, can, readersText, type Principal, type Reader } from './access.js';
import type { Role as ActorRole } from '../core/spec/vocabulary.js';
import type { LogStore, StoredEntry } from '../core/ports/tlog.js';
import { decodeEntry, hashLeaf, isSealed, type Opening } from '../core/tlog/index.js';
import { voteCaseOf } from '../store/log-entries.js';

const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');

/** One entry as the public reads it: its bytes, or its leaf hash only when they would reveal a record. */
export interface EntryView {
  index: number;
  kind: string;
  recordId: string;
  /** The leaf bytes, base64; empty when withheld or when the record's row is gone. */
  entry: string;
  /** Only when withheld: the leaf hash (base64), so a verifier can still rebuild the tree. */
  leaf?: string;
  /** Why the bytes are withheld (`restricted-record`: not for the public through the API either; `open-vote`). */
  withheld?: string;
}

export interface ContentView {
  index: number;
  kind: string;
  recordId: string;
  /** A sealed entry's opening: the salt and the record that hash to its commitment. */
  salt?: string;
  record?: Opening['record'];
  /** An entry logged in the clear before migration 0015 and withheld from the public: its bytes, base64. */
  entry?: string;
}

export interface WithheldView {
  index: number;
  kind: string;
  recordId: string;
  reason: string;
}

type Shape = 'sealed' | 'clear-restricted' | 'public';

/** What an entry's bytes are: a commitment, a record in the clear that the public may not read, or public. */
function shapeOf(e: StoredEntry, decided: ReadonlySet<string> | undefined): Shape {
  if (!e.entry.length) return 'public';
  const d = decodeEntry(e.entry);
  if (!d.ok) return 'public'; // the verifier reports it
  if (isSealed(d.entry.record)) return 'sealed';
  if (readersOf(e.kind, e.recordId)) return 'clear-restricted';
  const c = voteCaseOf(e.kind, e.recordId);
  if (c !== undefined && !(decided?.has(c) ?? false)) return 'clear-restricted';
  return 'public';
}

/** The roles that read a kind of record through the API, when not everyone does; undefined for votes and public kinds. */
function readersOf(kind: string, recordId: string): readonly Reader[] | undefined {
  if (kind === 'observation') return can.readRaw;
  if (kind === 'incident-revision' || kind === 'violation') return can.readFindings;
  if (kind === 'case-event' && (recordId.endsWith('/opened') || /\/revision\/[0-9]+$/.test(recordId)))
    return can.readCases;
  return undefined;
}

const reasonOf = (kind: string, recordId: string): string =>
  voteCaseOf(kind, recordId) !== undefined ? 'open-vote' : 'restricted-record';

/** Entries as the public may read them. */
export async function publicEntries(log: LogStore, entries: readonly StoredEntry[]): Promise<EntryView[]> {
  const votes = entries.filter((e) => voteCaseOf(e.kind, e.recordId) !== undefined);
  const { decided } = votes.length ? await log.openings(votes) : { decided: new Set<string>() };
  return entries.map((e) => {
    const view: EntryView = { index: e.index, kind: e.kind, recordId: e.recordId, entry: b64(e.entry) };
    if (shapeOf(e, decided) !== 'clear-restricted') return view;
    return { ...view, entry: '', leaf: b64(hashLeaf(e.entry)), withheld: reasonOf(e.kind, e.recordId) };
  });
}

/** Whether `who` may read the record behind an entry (a vote: once its case is decided). */
function mayRead(
  who: Principal | null,
  kind: string,
  recordId: string,
  decided: boolean,
  actorRoles: Readonly<Record<string, ActorRole>>,
): boolean {
  if (who && (can.audit as readonly string[]).includes(who.role)) return true;
  const readers = readersOf(kind, recordId);
  if (readers) return admits(readers, who, actorRoles);
  return decided;
}

/** The records behind the sealed (and withheld) entries of a range, as far as `who` may read them. */
export async function entryContents(
  log: LogStore,
  entries: readonly StoredEntry[],
  who: Principal | null,
  actorRoles: Readonly<Record<string, ActorRole>> = {},
): Promise<{ contents: ContentView[]; withheld: WithheldView[] }> {
  const { openings, decided } = await log.openings(entries);
  const out = { contents: [] as ContentView[], withheld: [] as WithheldView[] };
  for (const e of entries) {
    const shape = shapeOf(e, decided);
    if (shape === 'public') continue;
    const id = { index: e.index, kind: e.kind, recordId: e.recordId };
    const c = voteCaseOf(e.kind, e.recordId);
    if (!mayRead(who, e.kind, e.recordId, c !== undefined && decided.has(c), actorRoles)) {
      const readers = readersOf(e.kind, e.recordId);
      out.withheld.push({
        ...id,
        reason: readers
          ? `${e.kind} records are read by ${readersText([...readers, ...can.audit])} keys`
          : `the vote's case ${c ?? '?'} is not decided; until then only ${can.audit.join(', ')} keys read it`,
      });
      continue;
    }
    if (shape === 'clear-restricted') {
      out.contents.push({ ...id, entry: b64(e.entry) });
      continue;
    }
    const o = openings.get(`${e.kind}\n${e.recordId}`);
    if (!o) out.withheld.push({ ...id, reason: "the record's row is gone: nothing opens this commitment" });
    else out.contents.push({ ...id, salt: o.salt, record: o.record });
  }
  return out;
}
