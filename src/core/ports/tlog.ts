/**
 * The storage port of the transparency log (issue 7, docs/tlog.md): what the server's log routes, the checkpoint
 * signer and the auditor need from a database. Implemented by `src/store/sqlite/tlog-store.ts` and
 * `src/store/postgres/tlog-store.ts` over the operations store's database; entries are appended by the stores
 * themselves, inside the transactions that write the records they log.
 */
import type { EntryKind } from '../tlog/entry.js';
import type { JsonValue } from '../tlog/canonical-json.js';
import type { Opening } from '../tlog/commitment.js';

/** One record to log: its kind, its id (unique per kind; a record that changes is logged again under its id). */
export interface LogEntry {
  kind: EntryKind;
  recordId: string;
  record: { [key: string]: JsonValue };
  /**
   * The record is an in-memory object logged as the store keeps it (its JSON.stringify text): undefined members are
   * dropped rather than refused (canonicalStoredJson). Saves the JSON round trip on the ingest path.
   */
  stored?: boolean;
  /**
   * Seal the record: the log keeps `{commitment, recordId}` (src/core/tlog/commitment.ts) and the record itself is
   * its opening, served only to whoever may read it. Hex, 16 or more random bytes, kept beside the record.
   */
  salt?: string;
}

/**
 * An entry given by its canonical JSON text alone: a record the ingest has already serialised as its row's document
 * (`ingestTextEntries`, src/store/log-entries.ts), so it is not serialised again; plain data a worker thread can be
 * sent.
 */
export interface TextLogEntry {
  kind: EntryKind;
  recordId: string;
  /** canonicalJson of the record, exactly. */
  text: string;
  /**
   * The record's own row, written in the same transaction, gives these bytes back (an observation, incident revision
   * or violation the ingest stores): the log keeps only the leaf hash and rebuilds the bytes from the row when they
   * are asked for (migration 0006).
   */
  inRow?: boolean;
  /** The entry's leaf hash, when the caller computed it already (`canonicalEntryLeafHash(kind, text)`). */
  leaf?: Uint8Array;
}

export interface StoredEntry {
  index: number;
  kind: string;
  recordId: string;
  /** The leaf bytes (`guarantor-entry/1`). */
  entry: Uint8Array;
  /** The stored leaf hash (the level-0 node). */
  leaf: Uint8Array;
}

export interface LogHead {
  size: number;
  root: Uint8Array;
}

export interface StoredCheckpoint {
  size: number;
  root: Uint8Array;
  /** Signing time, epoch ms (whole seconds). */
  time: number;
  /** The log-signed note, without cosignatures. */
  note: string;
  /** Witness cosignature lines (`— name base64\n`), in the order they arrived. */
  cosignatures: string[];
}

export interface WitnessKey {
  name: string;
  /** The witness's cosignature/v1 vkey. */
  vkey: string;
  createdAt: number;
}

/** Sealed records' openings and the state of the cases their votes belong to (src/store/log-entries.ts). */
export interface RecordOpenings {
  /** By `kind\nrecordId`: the salt and record of each sealed record still stored. */
  openings: Map<string, Opening>;
  /** The ids of the cases asked about that are decided. */
  decided: Set<string>;
}

export interface LogStore {
  /**
   * The openings of sealed records and whether the cases of vote records are decided: read from the records' rows
   * (observations, case files), never from the log, which holds commitments only.
   */
  openings(wanted: readonly { kind: string; recordId: string }[]): Promise<RecordOpenings>;
  head(): Promise<LogHead>;
  /** Appends in a transaction of its own (package versions, tests, benchmarks); records are logged by the stores. */
  append(entries: readonly LogEntry[]): Promise<{ start: number; size: number }>;
  inclusionProof(index: number, size: number): Promise<Uint8Array[]>;
  consistencyProof(oldSize: number, newSize: number): Promise<Uint8Array[]>;
  rootAt(size: number): Promise<Uint8Array>;
  /** Entries [from, to), in index order. */
  entries(from: number, to: number): Promise<StoredEntry[]>;
  /** The stored leaf hashes of entries [from, to), packed 32 bytes each, in index order (a witness's mirror). */
  leaves(from: number, to: number): Promise<Uint8Array>;
  indexOfLeaf(leaf: Uint8Array): Promise<number | undefined>;
  /** The latest entry of a record; with `below`, the latest before that index (the record as of a tree size). */
  indexOfRecord(kind: string, recordId: string, below?: number): Promise<number | undefined>;
  latestCheckpoint(): Promise<StoredCheckpoint | undefined>;
  checkpointAt(size: number): Promise<StoredCheckpoint | undefined>;
  /** Stores a signed checkpoint unless one of that size exists; returns the stored one either way. */
  saveCheckpoint(cp: Omit<StoredCheckpoint, 'cosignatures'>): Promise<StoredCheckpoint>;
  /** False when this witness already cosigned that size. */
  addCosignature(size: number, witness: string, line: string, time: number): Promise<boolean>;
  witnesses(): Promise<WitnessKey[]>;
  /** False when a witness of that name is registered (with this key or another: see `witnesses()`). */
  addWitness(w: WitnessKey): Promise<boolean>;
  /**
   * The latest checkpoint that at least `quorum` of the named witnesses cosigned (what a client requiring those
   * witnesses verifies against); undefined when none has.
   */
  latestCosigned(witnesses: readonly string[], quorum: number): Promise<StoredCheckpoint | undefined>;
  /**
   * Appends `entry` in a transaction of its own only if the latest entry of its record is still the one at
   * `expected` (undefined: the record has none), checked under the log's head lock: two servers creating the log's
   * first key, or rotating it, cannot both succeed. Returns the entry's index, or undefined when it was not appended.
   */
  appendIfLatest(entry: LogEntry, expected: number | undefined): Promise<number | undefined>;
}
