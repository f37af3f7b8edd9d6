/**
 * Log entries, version 1: the exact bytes that become a leaf (RFC 9162 §2.1.1 hashes them with the 0x00 prefix).
 *
 *     guarantor-entry/1 LF <kind> LF <canonical JSON of the record>
 *
 * The version line lets a later encoding coexist in the same log; the kind line says what the record is, so the
 * same JSON logged as two kinds gives two leaves; canonical JSON (RFC 8785) makes the bytes a function of the
 * record's content alone. New kinds may be appended to `entryKinds` without a version change: old entries keep
 * their bytes. Changing how any existing kind is framed or serialised needs guarantor-entry/2.
 */
import { canonicalJson, canonicalStoredJson, type JsonValue } from './canonical-json.js';
import { TlogError } from './error.js';
import { hashLeaf, hashLeafText } from './hash.js';

export const ENTRY_VERSION = 'guarantor-entry/1';

export const entryKinds = [
  'observation',
  'incident-revision',
  'violation',
  'case-event',
  'vote',
  'task-change',
  'pledge',
  'delivery',
  'package-version',
  'checkpoint-cosign',
  'sustainment-alert',
  'log-key',
  'witness-alarm',
  'api-key',
  'member-key',
  'timer',
  'case-step',
] as const;
export type EntryKind = (typeof entryKinds)[number];

export interface Entry {
  readonly version: 1;
  readonly kind: EntryKind;
  readonly record: { [key: string]: JsonValue };
}

const kinds: ReadonlySet<string> = new Set(entryKinds);
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function isEntryKind(kind: unknown): kind is EntryKind {
  return typeof kind === 'string' && kinds.has(kind);
}

/** The leaf bytes of a record. Throws TlogError (a bug in the caller) for an unknown kind or a non-JSON record. */
export function encodeEntry(kind: EntryKind, record: object, stored = false): Uint8Array {
  if (!isEntryKind(kind))
    throw new TlogError('entry-kind', `${JSON.stringify(kind)} is not an entry kind; known: ${entryKinds.join(', ')}`);
  if (record === null || typeof record !== 'object' || Array.isArray(record))
    throw new TlogError('entry-value', '$: a record is a JSON object');
  // `stored`: the record as a JSON store keeps it (undefined members dropped); see canonicalStoredJson.
  const json = stored ? canonicalStoredJson(record) : canonicalJson(record);
  // Buffer.from is Node's fastest UTF-8 encoder; the result is an ordinary Uint8Array to callers.
  return Buffer.from(`${ENTRY_VERSION}\n${kind}\n${json}`, 'utf8');
}

/**
 * The leaf bytes from a record's canonical JSON text that the caller already holds (a store that writes the same
 * text as the row's document): encodeEntry without serialising again. The caller vouches that `canonical` is
 * canonicalJson of the record; src/store/log-entries.test.ts checks the stores' texts against encodeEntry.
 */
export function encodeCanonicalEntry(kind: EntryKind, canonical: string): Uint8Array {
  if (!isEntryKind(kind))
    throw new TlogError('entry-kind', `${JSON.stringify(kind)} is not an entry kind; known: ${entryKinds.join(', ')}`);
  return Buffer.from(`${ENTRY_VERSION}\n${kind}\n${canonical}`, 'utf8');
}

const entryHeads = new Map<string, Uint8Array>(
  entryKinds.map((k) => [k, Buffer.from(`${ENTRY_VERSION}\n${k}\n`, 'utf8')]),
);

/** hashLeaf(encodeCanonicalEntry(kind, canonical)) without building the entry: for entries whose bytes are not kept. */
export function canonicalEntryLeafHash(kind: EntryKind, canonical: string): Uint8Array {
  const head = entryHeads.get(kind);
  if (!head)
    throw new TlogError('entry-kind', `${JSON.stringify(kind)} is not an entry kind; known: ${entryKinds.join(', ')}`);
  return hashLeafText(head, canonical);
}

/** hashLeaf(encodeEntry(kind, record)). */
export function entryLeafHash(kind: EntryKind, record: object): Uint8Array {
  return hashLeaf(encodeEntry(kind, record));
}

/**
 * Reads leaf bytes back (for auditors holding the raw leaves). Hostile input: never throws; refuses anything that
 * `encodeEntry` would not have produced byte for byte, so one record has exactly one leaf.
 */
export function decodeEntry(bytes: Uint8Array): { ok: true; entry: Entry } | { ok: false; error: TlogError } {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return refuse('entry-encoding', 'the entry is not valid UTF-8');
  }
  const first = text.indexOf('\n');
  const second = first < 0 ? -1 : text.indexOf('\n', first + 1);
  if (second < 0) return refuse('entry-encoding', `an entry is "${ENTRY_VERSION}", a kind and a record on three lines`);
  const version = text.slice(0, first);
  if (version !== ENTRY_VERSION)
    return refuse(
      'entry-encoding',
      `unknown entry version ${JSON.stringify(version.slice(0, 64))}, expected ${ENTRY_VERSION}`,
    );
  const kind = text.slice(first + 1, second);
  if (!isEntryKind(kind)) return refuse('entry-kind', `${JSON.stringify(kind.slice(0, 64))} is not an entry kind`);
  let record: unknown;
  try {
    record = JSON.parse(text.slice(second + 1));
  } catch (e) {
    return refuse('entry-encoding', `the record is not JSON: ${(e as Error).message}`);
  }
  if (record === null || typeof record !== 'object' || Array.isArray(record))
    return refuse('entry-value', 'the record is not a JSON object');
  let again: Uint8Array;
  try {
    again = encodeEntry(kind, record);
  } catch (e) {
    return refuse('entry-value', (e as Error).message);
  }
  if (!Buffer.from(again).equals(bytes))
    return refuse(
      'entry-encoding',
      'the record is not in canonical form (RFC 8785): it would hash differently when re-encoded',
    );
  return { ok: true, entry: { version: 1, kind, record: record as Entry['record'] } };
}

function refuse(code: TlogError['code'], message: string): { ok: false; error: TlogError } {
  return { ok: false, error: new TlogError(code, message) };
}
