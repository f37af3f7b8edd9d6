/**
 * How each stored record becomes a transparency-log entry (docs/tlog.md, "Records and their entries"). One
 * definition serves both the write path (the stores log what they write, in the same transaction) and the audit
 * (which rebuilds every entry from the stored rows and compares), so the two cannot drift apart.
 *
 * Records are logged as they are stored: as the JSON the store keeps (`JSON.stringify` drops undefined fields and
 * PostgreSQL's JSONB keeps what it was given), never from in-memory objects that may hold `undefined`.
 *
 * | kind | record id | from |
 * |---|---|---|
 * | observation | seq | `observations` (doc + seq, received_at, submitted_by) |
 * | incident-revision | `<id>@<revision>` | `incidents` (latest) and `incident_revisions` (superseded) |
 * | violation | `<id>@<revision>` | `violations` and `violation_revisions` |
 * | case-event | `<case>/opened` | `cases` or `case_revisions` (the pipeline's case opening, revision 1) |
 * | case-event | `<case>/revision/<n>` | `cases` or `case_revisions` (a revision: late or changed evidence) |
 * | case-event | `<case>/file` | `case_files`: the case and its judgment state, without votes, rejections, tasks |
 * | case-event | `<case>/rejection/<n>` | `case_files`: a refused vote, on the record |
 * | vote | `<case>/vote/<seq>` | `case_files`: an accepted vote |
 * | task-change | the task id | `case_files`: a response task, logged again whenever it changes |
 * | case-step | `<case>/step` | one case transition: the case-file, task-change and timer records it changed, as one entry |
 * | pledge | the record id | `ledger_records`: a pledge or a withdrawal, with seq, recordedAt, submittedBy |
 * | delivery | the record id | `ledger_records`: a delivery |
 * | sustainment-alert | `<key>#<revision>` | `ledger_alerts`: a decay alert, logged at every change of state |
 * | package-version | `<package>@<version>/<sha256>` | logged by the server when it starts with a package it has not logged |
 * | log-key | the origin | the log's key: created, then each handover signed by the old key (core/tlog/log-key.ts) |
 * | witness-alarm | `<witness>@<time>` | a witness's signed report of a fork, rollback or split view |
 */
import type { SustainmentAlert } from '../core/ledger/alerts.js';
import { entryKindOf, type LedgerRecord } from '../core/ledger/record.js';
import type { CaseFile } from '../core/ops/index.js';
import type { Incident } from '../core/ops/index.js';
import type { CaseOpening } from '../core/ops/index.js';
import type { Violation } from '../core/ops/index.js';
import type { ProcessedBatch, StoredObservation } from '../core/ports/store.js';
import { randomBytes } from 'node:crypto';
import type { MemberKey } from '../core/ports/casework.js';
import type { Timer } from '../core/ops/index.js';
import type { LogEntry, RecordOpenings, StoredCheckpoint, TextLogEntry } from '../core/ports/tlog.js';
import { canonicalJson, canonicalStoredJson, type JsonValue } from '../core/tlog/canonical-json.js';
import { commitmentOf, isSealed, sealedRecordText, type Opening } from '../core/tlog/commitment.js';
import { canonicalEntryLeafHash, decodeEntry, encodeCanonicalEntry, encodeEntry } from '../core/tlog/entry.js';
import { itemAt } from '../core/item-at.js';

type Json = { [key: string]: JsonValue };

/** The record as the store keeps it: a JSON round trip. */
export function asStored(x: unknown): Json {
  return JSON.parse(JSON.stringify(x)) as Json;
}

/**
 * An observation row: its document and the store's fields (seq orders the log; who submitted it and when). Sealed
 * by the row's salt (migration 0015); a row stored before that has none and was logged in the clear.
 */
export function observationEntry(
  seq: number,
  receivedAt: number,
  submittedBy: string,
  doc: Json,
  salt?: string | null,
): LogEntry {
  return {
    kind: 'observation',
    recordId: String(seq),
    record: { seq, receivedAt, submittedBy, observation: doc },
    ...(salt ? { salt } : {}),
  };
}

/** The entry the log keeps: the record itself, or for a sealed one its commitment (docs/tlog.md, "Sealed entries"). */
export function publicEntry(e: LogEntry): LogEntry {
  if (!e.salt) return e;
  return {
    kind: e.kind,
    recordId: e.recordId,
    record: { commitment: commitmentOf(e.salt, canonicalJson(asStoredIf(e))), recordId: e.recordId },
  };
}

/** The record's text as logged: as stored (undefined members dropped) when the entry says so. */
const asStoredIf = (e: LogEntry): Json => (e.stored ? asStored(e.record) : e.record);

/** A sealed entry's opening: what the public may not read, served to those who may. */
export function openingOf(e: LogEntry): Opening | undefined {
  return e.salt ? { salt: e.salt, record: asStoredIf(e) } : undefined;
}

/** Fresh salts for `n` sealed entries: one call to the random source per batch (hex, 16 bytes each). */
export function freshSalts(n: number): string[] {
  const bytes = randomBytes(16 * n).toString('hex');
  const out: string[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = bytes.slice(32 * i, 32 * (i + 1));
  return out;
}

/** A salt when there is one (rows stored before migration 0015 have none: their entries are in the clear). */
const salted = (salt: string | null | undefined) => (salt ? { salt } : {});

export function incidentEntry(doc: Json, salt?: string | null): LogEntry {
  return {
    kind: 'incident-revision',
    recordId: `${String(doc['id'])}@${String(doc['revision'])}`,
    record: doc,
    ...salted(salt),
  };
}

export function violationEntry(doc: Json, salt?: string | null): LogEntry {
  return {
    kind: 'violation',
    recordId: `${String(doc['id'])}@${String(doc['revision'])}`,
    record: doc,
    ...salted(salt),
  };
}

/** A case's entry: its opening (revision 1, or a document from before revisions), else the revision. */
export function caseOpeningEntry(doc: Json, salt?: string | null): LogEntry {
  const revision = typeof doc['revision'] === 'number' ? doc['revision'] : 1;
  if (revision > 1)
    return {
      kind: 'case-event',
      recordId: `${String(doc['id'])}/revision/${revision}`,
      record: { event: 'revised', revision: doc },
      ...salted(salt),
    };
  return {
    kind: 'case-event',
    recordId: `${String(doc['id'])}/opened`,
    record: { event: 'opened', opening: doc },
    ...salted(salt),
  };
}

/** A record's entry text: the record's canonical JSON, or with a salt the commitment to it. */
const sealText = (text: string, recordId: string, salt: string | null | undefined): string =>
  salt ? sealedRecordText(commitmentOf(salt, text), recordId) : text;

/**
 * The canonical JSON of an observation entry's record, around the observation's document text (keys in order):
 * with a salt, the commitment to that record (the record is its opening).
 */
function observationEntryText(
  seq: number,
  receivedAt: number,
  submittedBy: string,
  doc: string,
  salt: string | null | undefined,
): string {
  const text = `{"observation":${doc},"receivedAt":${canonicalStoredJson(receivedAt)},"seq":${canonicalStoredJson(seq)},"submittedBy":${canonicalStoredJson(submittedBy)}}`;
  return sealText(text, String(seq), salt);
}

/**
 * Everything an ingest transaction stores, in the order it is logged: observations, then what the pipeline made.
 * Each entry by its text alone: a record's stored document is its `canonicalStoredJson`, which the store writes as
 * the row's `doc` and the log frames as the entry. `docs[i]` is the document stored for `fresh[i]`; `textOf` gives the
 * others, so a store that serialised them for its rows passes those texts and nothing is serialised twice.
 */
export function ingestTextEntries(
  fresh: readonly Pick<StoredObservation, 'seq' | 'receivedAt' | 'submittedBy'>[],
  out: ProcessedBatch,
  docs: readonly string[],
  /** The salt stored with each fresh observation (its entry is sealed). */
  salts: readonly string[],
  /** The stored document of an incident, violation or case opening (a store that serialised them passes its own). */
  textOf: (record: object) => string,
  /** The salt stored with each incident revision, violation and case opening. */
  saltOf: (record: object) => string,
): TextLogEntry[] {
  const entries: TextLogEntry[] = [];
  for (let i = 0; i < fresh.length; i++) {
    const o = itemAt(fresh, i);
    entries.push(observationTextEntry(o.seq, o.receivedAt, o.submittedBy, itemAt(docs, i), itemAt(salts, i)));
  }
  for (const r of out.incidentRevisions as readonly Incident[])
    entries.push(incidentTextEntry(r, textOf(r), saltOf(r)));
  for (const v of out.violations as readonly Violation[]) entries.push(violationTextEntry(v, textOf(v), saltOf(v)));
  for (const c of out.caseOpenings as readonly CaseOpening[])
    entries.push(caseOpeningTextEntry(c, textOf(c), saltOf(c)));
  for (const c of (out.caseRevisions ?? []) as readonly CaseOpening[])
    entries.push(caseOpeningTextEntry(c, textOf(c), saltOf(c)));
  return entries;
}

/** Each ingest record's entry by its text: the pieces of `ingestTextEntries`, for a writer that builds them apart. */
export const observationTextEntry = (
  seq: number,
  receivedAt: number,
  submittedBy: string,
  doc: string,
  salt: string,
): TextLogEntry => ({
  kind: 'observation',
  recordId: String(seq),
  text: observationEntryText(seq, receivedAt, submittedBy, doc, salt),
  inRow: true,
});
export const incidentTextEntry = (r: Incident, text: string, salt: string): TextLogEntry => ({
  kind: 'incident-revision',
  recordId: `${r.id}@${r.revision}`,
  text: sealText(text, `${r.id}@${r.revision}`, salt),
  inRow: true,
});
export const violationTextEntry = (v: Violation, text: string, salt: string): TextLogEntry => ({
  kind: 'violation',
  recordId: `${v.id}@${v.revision}`,
  text: sealText(text, `${v.id}@${v.revision}`, salt),
  inRow: true,
});
export const caseOpeningTextEntry = (c: CaseOpening, text: string, salt: string): TextLogEntry => {
  if (c.revision > 1) {
    const recordId = `${c.id}/revision/${c.revision}`;
    return { kind: 'case-event', recordId, text: sealText(`{"event":"revised","revision":${text}}`, recordId, salt) };
  }
  return {
    kind: 'case-event',
    recordId: `${c.id}/opened`,
    text: sealText(`{"event":"opened","opening":${text}}`, `${c.id}/opened`, salt),
  };
};

/** The entry with its leaf hash computed now (a store hashes while its database works on the rows). */
export function withLeaf(e: TextLogEntry): TextLogEntry {
  e.leaf = canonicalEntryLeafHash(e.kind, e.text);
  return e;
}

/** The bytes the log keeps for an entry: none for one its record's row gives back (migration 0006). */
export function entryBytes(e: LogEntry): Uint8Array;
export function entryBytes(e: LogEntry | TextLogEntry): Uint8Array | null;
export function entryBytes(e: LogEntry | TextLogEntry): Uint8Array | null {
  if (!('text' in e)) {
    const p = publicEntry(e);
    return encodeEntry(p.kind, p.record, p.stored);
  }
  return e.inRow ? null : encodeCanonicalEntry(e.kind, e.text);
}

/** How a dialect tests a column against a list of values bound as one parameter. */
export interface ListBinding {
  test(column: string, type: 'bigint' | 'text'): string;
  bind(values: readonly (string | number)[]): unknown;
}

type Row = Record<string, unknown>;

/**
 * The bytes of entries the ingest kept only in their rows (migration 0006), framed from the stored documents exactly
 * as `ingestEntries` framed them on the way in: no parsing and no serialising again, so a row changed in any byte no
 * longer gives its leaf hash. One query per table; keyed `kind\nrecordId` by the rows' key columns. A record whose
 * row is gone is absent.
 */
export async function entriesFromRows(
  wanted: readonly { kind: string; recordId: string }[],
  list: ListBinding,
  query: (sql: string, params: unknown[]) => Row[] | Promise<Row[]>,
): Promise<Map<string, Uint8Array>> {
  const seqs = new Set<number>();
  const ids = { 'incident-revision': new Set<string>(), violation: new Set<string>() };
  for (const { kind, recordId } of wanted) {
    if (kind === 'observation') {
      if (/^[1-9][0-9]{0,15}$/.test(recordId)) seqs.add(Number(recordId));
    } else if (kind === 'incident-revision' || kind === 'violation') {
      const at = recordId.lastIndexOf('@');
      if (at > 0) ids[kind].add(recordId.slice(0, at));
    }
  }
  const out = new Map<string, Uint8Array>();
  if (seqs.size) {
    for (const r of await query(
      `SELECT seq, received_at, submitted_by, doc, salt FROM observations WHERE ${list.test('seq', 'bigint')}`,
      [list.bind([...seqs])],
    )) {
      const text = observationEntryText(
        Number(r['seq']),
        Number(r['received_at']),
        String(r['submitted_by']),
        String(r['doc']),
        r['salt'] as string | null,
      );
      out.set(`observation\n${Number(r['seq'])}`, encodeCanonicalEntry('observation', text));
    }
  }
  const tables = {
    'incident-revision': ['incidents', 'incident_revisions'],
    violation: ['violations', 'violation_revisions'],
  } as const;
  for (const kind of ['incident-revision', 'violation'] as const) {
    if (!ids[kind].size) continue;
    for (const table of tables[kind]) {
      for (const r of await query(`SELECT id, revision, doc, salt FROM ${table} WHERE ${list.test('id', 'text')}`, [
        list.bind([...ids[kind]]),
      ])) {
        const id = `${String(r['id'])}@${Number(r['revision'])}`;
        out.set(
          `${kind}\n${id}`,
          encodeCanonicalEntry(kind, sealText(String(r['doc']), id, r['salt'] as string | null)),
        );
      }
    }
  }
  return out;
}

/** The case a vote or refused vote record belongs to (`<case>/vote/<n>`, `<case>/rejection/<n>`), else undefined. */
export function voteCaseOf(kind: string, recordId: string): string | undefined {
  const m = /^(.*)\/(vote|rejection)\/[0-9]+$/.exec(recordId);
  if (!m) return undefined;
  return (kind === 'vote' && m[2] === 'vote') || (kind === 'case-event' && m[2] === 'rejection') ? m[1] : undefined;
}

/**
 * The openings of sealed records, from their rows: an observation's, incident revision's, violation's and case
 * opening's from its own table, a vote's or refused vote's from its case file (which also says whether the case is
 * decided). One query per table.
 */
export async function openingsFromRows(
  wanted: readonly { kind: string; recordId: string }[],
  list: ListBinding,
  query: (sql: string, params: unknown[]) => Row[] | Promise<Row[]>,
): Promise<RecordOpenings> {
  const seqs = new Set<number>();
  const cases = new Set<string>();
  const opened = new Set<string>();
  const ids = { 'incident-revision': new Set<string>(), violation: new Set<string>() };
  for (const { kind, recordId } of wanted) {
    if (kind === 'observation' && /^[1-9][0-9]{0,15}$/.test(recordId)) seqs.add(Number(recordId));
    else if ((kind === 'incident-revision' || kind === 'violation') && recordId.lastIndexOf('@') > 0)
      ids[kind].add(recordId.slice(0, recordId.lastIndexOf('@')));
    else if (kind === 'case-event' && recordId.endsWith('/opened')) opened.add(recordId.slice(0, -'/opened'.length));
    else if (kind === 'case-event' && /\/revision\/[0-9]+$/.test(recordId))
      opened.add(recordId.slice(0, recordId.lastIndexOf('/revision/')));
    const c = voteCaseOf(kind, recordId);
    if (c !== undefined) cases.add(c);
  }
  const out: RecordOpenings = { openings: new Map(), decided: new Set() };
  const open = (e: LogEntry) => {
    const o = openingOf(e);
    if (o) out.openings.set(`${e.kind}\n${e.recordId}`, o);
  };
  const tables = {
    'incident-revision': ['incidents', 'incident_revisions'],
    violation: ['violations', 'violation_revisions'],
  } as const;
  for (const kind of ['incident-revision', 'violation'] as const) {
    if (!ids[kind].size) continue;
    for (const table of tables[kind])
      for (const r of await query(`SELECT doc, salt FROM ${table} WHERE ${list.test('id', 'text')}`, [
        list.bind([...ids[kind]]),
      ])) {
        const doc = JSON.parse(String(r['doc'])) as Json;
        open(kind === 'violation' ? violationEntry(doc, r['salt'] as string) : incidentEntry(doc, r['salt'] as string));
      }
  }
  if (opened.size)
    for (const table of ['cases', 'case_revisions'])
      for (const r of await query(`SELECT doc, salt FROM ${table} WHERE ${list.test('id', 'text')}`, [
        list.bind([...opened]),
      ]))
        open(caseOpeningEntry(JSON.parse(String(r['doc'])) as Json, r['salt'] as string));
  if (seqs.size)
    for (const r of await query(
      `SELECT seq, received_at, submitted_by, doc, salt FROM observations WHERE ${list.test('seq', 'bigint')}`,
      [list.bind([...seqs])],
    )) {
      open(
        observationEntry(
          Number(r['seq']),
          Number(r['received_at']),
          String(r['submitted_by']),
          JSON.parse(String(r['doc'])) as Json,
          r['salt'] as string | null,
        ),
      );
    }
  if (cases.size)
    for (const r of await query(`SELECT case_id, status, doc FROM case_files WHERE ${list.test('case_id', 'text')}`, [
      list.bind([...cases]),
    ])) {
      if (r['status'] === 'decided') out.decided.add(String(r['case_id']));
      const doc = typeof r['doc'] === 'string' ? (JSON.parse(r['doc']) as Json) : (r['doc'] as Json);
      for (const e of caseFileEntries(doc)) open(e);
    }
  return out;
}

/**
 * The records a case file holds, each as the entry its current state gives. The casework stores log the ones whose
 * latest entry differs (a new vote, a task that moved, a decision); the audit checks every one against its latest.
 * Each record is logged as stored (`stored`: undefined members dropped when serialised, canonicalStoredJson), so the
 * file is not round-tripped through JSON first: the bytes are those of the round trip.
 */
export function caseFileEntries(file: CaseFile | Json): LogEntry[] {
  const f = file as unknown as CaseFile & Json;
  const caseId = f.caseId;
  const { votes, rejections, ...judgment } = f.judgment;
  const { tasks, ...header } = f;
  const entries: LogEntry[] = [
    {
      kind: 'case-event',
      recordId: `${caseId}/file`,
      record: { event: 'case-file', file: { ...header, judgment } } as unknown as Json,
      stored: true,
    },
  ];
  // Votes and refused votes are sealed by their salt until the case is decided (docs/tlog.md, "Sealed entries"); the
  // salt is not part of the record it seals. Votes cast before migration 0015 have none and were logged in the clear.
  for (const { salt, ...v } of votes)
    entries.push({
      kind: 'vote',
      recordId: `${caseId}/vote/${v.seq}`,
      record: { case: caseId, vote: v } as unknown as Json,
      stored: true,
      ...(salt ? { salt } : {}),
    });
  rejections.forEach(({ salt, ...r }, i) =>
    entries.push({
      kind: 'case-event',
      recordId: `${caseId}/rejection/${i + 1}`,
      record: { event: 'vote-rejected', case: caseId, n: i + 1, rejection: r } as unknown as Json,
      stored: true,
      ...(salt ? { salt } : {}),
    }),
  );
  for (const t of tasks)
    entries.push({ kind: 'task-change', recordId: t.id, record: { task: t } as unknown as Json, stored: true });
  return entries;
}

/** A ledger record as stored: a `pledge` entry for pledges and withdrawals, a `delivery` entry for deliveries. */
export function ledgerEntry(r: LedgerRecord): LogEntry {
  return { kind: entryKindOf(r), recordId: r.id, record: asStored(r) };
}

/** A decay alert at one revision (raised, acknowledged, resolved, reopened). */
export function alertEntry(a: SustainmentAlert): LogEntry {
  return { kind: 'sustainment-alert', recordId: `${a.key}#${a.revision}`, record: asStored(a) };
}

/** The package a server runs, logged once per distinct text (so which rules were in force is on the record). */
export function packageVersionEntry(pkg: { package: string; version?: unknown }, sha256: string): LogEntry {
  const version = String(pkg.version ?? '');
  return {
    kind: 'package-version',
    recordId: `${pkg.package}@${version}/${sha256}`,
    record: { package: pkg.package, version, sha256 },
  };
}

/** An API key as logged: who it acts for and with what role, never its secret or the secret's hash. */
export function apiKeyEntry(k: {
  id: string;
  actor: string;
  role: string;
  createdAt: number;
  revokedAt?: number | undefined;
}): LogEntry {
  return {
    kind: 'api-key',
    recordId: k.id,
    record: {
      id: k.id,
      actor: k.actor,
      role: k.role,
      createdAt: k.createdAt,
      ...(k.revokedAt === undefined ? {} : { revokedAt: k.revokedAt }),
    },
  };
}

/** A member's vote-signing key as logged: registered, then (again) when revoked. */
export function memberKeyEntry(k: MemberKey): LogEntry {
  return {
    kind: 'member-key',
    recordId: `${k.member}/${k.fingerprint}`,
    record: {
      member: k.member,
      fingerprint: k.fingerprint,
      publicKey: k.publicKey,
      createdAt: k.createdAt,
      ...(k.revokedAt === undefined ? {} : { revokedAt: k.revokedAt }),
    },
  };
}

/**
 * A scheduled timer (a judgment deadline, a task's due time, an escalation step), logged once when scheduled. The
 * record holds the timer's fields (those its row keeps) in canonical key order, so it is serialised natively.
 */
export function timerEntry(t: Timer): LogEntry {
  const timer: Json = { at: t.at, caseId: t.caseId, key: t.key, kind: t.kind };
  if (t.step !== undefined) timer['step'] = t.step;
  if (t.taskId !== undefined) timer['taskId'] = t.taskId;
  return { kind: 'timer', recordId: t.key, record: { timer }, stored: true };
}

/**
 * One case transition as one entry (docs/tlog.md, "Case steps"): the unsealed records it changed, each exactly as its
 * own entry would hold it: the case file's judgment state when it changed (`file`, a `case-event` `<case>/file`
 * record's `file`), the tasks that are new or changed (`task-change` records' `task`) and the timers it set (`timer`
 * records' `timer`). Built from texts already canonical (a changed task's text is also its row's document), so nothing
 * is serialised twice. Keys in canonical order: case, file, tasks, timers.
 */
export function caseStepEntry(
  caseId: string,
  file: string | undefined,
  tasks: readonly string[],
  timers: readonly string[],
): TextLogEntry {
  const text = `{"case":${canonicalStoredJson(caseId)}${file === undefined ? '' : `,"file":${file}`},"tasks":[${tasks.join(',')}],"timers":[${timers.join(',')}]}`;
  return { kind: 'case-step', recordId: `${caseId}/step`, text };
}

/** A timer's record text (`timerEntry`'s `timer`), canonical. */
export const timerText = (t: Timer): string => canonicalStoredJson(timerEntry(t).record['timer']);

/**
 * The records a `case-step` entry holds, each as the entry it stands for (what `caseFileEntries` and `timerEntry`
 * give for the same record): the audit, the timer restore and the lookups by record read a record's latest state
 * from these as from its own entries. A record of another case, or a malformed step, is an error (the entry is
 * invalid), never a record.
 */
export function caseStepRecords(record: { [key: string]: JsonValue }): LogEntry[] | string {
  const caseId = record['case'];
  if (typeof caseId !== 'string' || caseId === '' || caseId.includes('/')) return 'no case id';
  const obj = (x: JsonValue | undefined): x is Json => x !== null && typeof x === 'object' && !Array.isArray(x);
  const out: LogEntry[] = [];
  const file = record['file'];
  if (file !== undefined) {
    if (!obj(file) || file['caseId'] !== caseId) return `file: not case ${caseId}'s`;
    out.push({ kind: 'case-event', recordId: `${caseId}/file`, record: { event: 'case-file', file } });
  }
  const tasks = record['tasks'];
  const timers = record['timers'];
  if (!Array.isArray(tasks) || !Array.isArray(timers)) return 'tasks and timers: lists';
  for (const [i, t] of tasks.entries()) {
    if (!obj(t) || t['caseId'] !== caseId || typeof t['id'] !== 'string') return `tasks[${i}]: not a task of ${caseId}`;
    out.push({ kind: 'task-change', recordId: t['id'], record: { task: t } });
  }
  for (const [i, t] of timers.entries()) {
    if (!obj(t) || t['caseId'] !== caseId || typeof t['key'] !== 'string')
      return `timers[${i}]: not a timer of ${caseId}`;
    out.push({ kind: 'timer', recordId: t['key'], record: { timer: t } });
  }
  return out;
}

/** Whether a `case-step` entry's bytes hold a record of this kind and id. */
export function stepHolds(entry: Uint8Array | null, kind: string, recordId: string): boolean {
  const d = entry && decodeEntry(entry);
  if (!d || !d.ok) return false;
  const subs = caseStepRecords(d.entry.record);
  return typeof subs !== 'string' && subs.some((s) => s.kind === kind && s.recordId === recordId);
}

/** The case a casework record belongs to (a case file, task or timer: case ids hold no `/`), for its steps. */
export function caseOfRecord(kind: string, recordId: string): string | undefined {
  const id = kind === 'timer' ? recordId.slice(recordId.indexOf(':') + 1) : recordId;
  if (kind !== 'timer' && kind !== 'task-change' && !(kind === 'case-event' && recordId.endsWith('/file')))
    return undefined;
  const slash = id.indexOf('/');
  const caseId = slash < 0 ? id : id.slice(0, slash);
  // An escalation key ends `:<step>` after the task id; a judgment key is the case id itself.
  return kind === 'timer' && slash < 0 ? caseId.split(':')[0] : caseId;
}

/**
 * The record id an entry's own bytes give, so a `record_id` column rewritten to point an entry at another record is
 * caught; undefined when the record does not say (then the entry is malformed for its kind).
 */
export function recordIdOf(kind: string, r: { [key: string]: JsonValue }): string | undefined {
  const o = (x: JsonValue | undefined): { [key: string]: JsonValue } =>
    x !== null && typeof x === 'object' && !Array.isArray(x) ? x : {};
  const s = (x: JsonValue | undefined): string | undefined =>
    typeof x === 'string' || typeof x === 'number' ? String(x) : undefined;
  const join = (...parts: (string | undefined)[]): string | undefined =>
    parts.every((p) => p !== undefined) ? parts.join('') : undefined;
  if (isSealed(r)) return r.recordId;
  switch (kind) {
    case 'observation':
      return s(r['seq']);
    case 'incident-revision':
    case 'violation':
      return join(s(r['id']), '@', s(r['revision']));
    case 'case-event':
      if (r['event'] === 'opened') return join(s(o(r['opening'])['id']), '/opened');
      if (r['event'] === 'revised')
        return join(s(o(r['revision'])['id']), '/revision/', s(o(r['revision'])['revision']));
      if (r['event'] === 'case-file') return join(s(o(r['file'])['caseId']), '/file');
      if (r['event'] === 'vote-rejected') return join(s(r['case']), '/rejection/', s(r['n']));
      return undefined;
    case 'vote':
      return join(s(r['case']), '/vote/', s(o(r['vote'])['seq']));
    case 'task-change':
      return s(o(r['task'])['id']);
    case 'package-version':
      return join(s(r['package']), '@', s(r['version']), '/', s(r['sha256']));
    case 'pledge':
    case 'delivery':
      return s(r['id']);
    case 'sustainment-alert':
      return join(s(r['key']), '#', s(r['revision']));
    case 'log-key':
      return s(r['origin']);
    case 'witness-alarm':
      return join(s(r['witness']), '@', s(r['at']));
    case 'api-key':
      return s(r['id']);
    case 'member-key':
      return join(s(r['member']), '/', s(r['fingerprint']));
    case 'timer':
      return s(o(r['timer'])['key']);
    case 'case-step':
      return join(s(r['case']), '/step');
    default:
      return undefined;
  }
}

/** Kinds whose records the database keeps, so the audit can rebuild their entries; the others are checked as bytes. */
export const storedKinds: ReadonlySet<string> = new Set([
  'observation',
  'incident-revision',
  'violation',
  'case-event',
  'vote',
  'task-change',
  'api-key',
  'member-key',
  'timer',
]);

/** The index key of a leaf hash: its first six bytes, a safe integer (the full hash is compared after). */
export function leafKey(leaf: Uint8Array): number {
  return (
    itemAt(leaf, 0) * 2 ** 40 +
    itemAt(leaf, 1) * 2 ** 32 +
    ((itemAt(leaf, 2) << 24) >>> 0) +
    (itemAt(leaf, 3) << 16) +
    (itemAt(leaf, 4) << 8) +
    itemAt(leaf, 5)
  );
}

/** Leaf hashes packed 32 bytes each, in order: what `LogStore.leaves` returns. */
export function packLeaves(leaves: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(leaves.length * 32);
  leaves.forEach((l, i) => out.set(l.subarray(0, 32), i * 32));
  return out;
}

/** A checkpoint read back after saving it: the store must have it. */
export function savedCheckpoint(size: number, cp: StoredCheckpoint | undefined): StoredCheckpoint {
  if (!cp) throw new Error(`tlog checkpoint of size ${size}: missing right after it was saved`);
  return cp;
}
