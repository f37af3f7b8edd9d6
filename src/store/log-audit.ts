/**
 * `guarantor log audit`: checks a database against its own transparency log, without trusting either.
 *
 * 1. Every stored entry: indices gap-free from 0; the leaf hash recomputed from the entry bytes; the bytes a canonical
 *    `guarantor-entry/1` entry whose record names the record id stored beside it.
 * 2. The tree: every node recomputed from the leaves and compared with the stored one; the head row's size and root.
 * 3. Every signed checkpoint: its root recomputed at its size, its log signature and cosignatures verified.
 * 4. Every stored record (observations, incident and violation revisions, case openings, case files' events, votes
 *    and tasks) rebuilt into its entry from the rows themselves (`log-entries.ts`), and compared with the latest
 *    entry logged for it: a changed row, a row whose order (seq) moved, a row the log never saw, and a logged record
 *    whose row is gone are each reported with the record's kind and id. The indexed columns beside each document
 *    are checked against it too (a query filters on them).
 *
 * Findings are data; the CLI renders them. Nothing here throws for tampering, only for I/O.
 */
import type { LogEntry, LogHead, StoredCheckpoint, StoredEntry, WitnessKey } from '../core/ports/tlog.js';
import type { CaseFile } from '../core/ops/index.js';
import type { Incident } from '../core/ops/index.js';
import type { Observation } from '../core/ops/index.js';
import type { CaseOpening } from '../core/ops/index.js';
import type { Violation } from '../core/ops/index.js';
import {
  CompactRange,
  LogKeyChain,
  decodeEntry,
  hashLeaf,
  hashesEqual,
  parseCheckpoint,
  parseVkey,
  rootFromLeafHashes,
  verifyCheckpoint,
  type JsonValue,
  type Verifier,
} from '../core/tlog/index.js';
import { caseColumns, incidentColumns, observationColumns, violationColumns } from './columns.js';
import { timerPending, verifyLoggedVote, type LoggedVote, type ResponseTask, type Timer } from '../core/ops/index.js';
import {
  apiKeyEntry,
  asStored,
  caseFileEntries,
  caseOpeningEntry,
  caseStepRecords,
  entryBytes,
  incidentEntry,
  memberKeyEntry,
  observationEntry,
  recordIdOf,
  storedKinds,
  timerEntry,
  violationEntry,
} from './log-entries.js';
import { itemAt, valueAt } from '../core/item-at.js';

export type AuditCode =
  | 'entry-gap'
  | 'entry-hash'
  | 'entry-invalid'
  | 'node-mismatch'
  | 'head-mismatch'
  | 'checkpoint-root'
  | 'checkpoint-beyond-log'
  | 'checkpoint-signature'
  | 'key-mismatch'
  | 'record-changed'
  | 'record-unlogged'
  | 'record-deleted'
  | 'record-duplicate'
  | 'record-columns'
  | 'record-rewritten'
  | 'timer-suppressed'
  | 'nonce-unlogged'
  | 'nonce-missing'
  | 'vote-signature'
  | 'witness-anchor'
  | 'witness-quorum';

export interface AuditFinding {
  code: AuditCode;
  message: string;
  kind?: string;
  recordId?: string;
  index?: number;
  /** The table the record was read from. */
  table?: string;
}

/** A stored record rebuilt into the entry it must have been logged as. */
export interface StoredRecord {
  table: string;
  entry: LogEntry;
  /** When the row's indexed columns disagree with its document: which ones. */
  columns?: string[];
}

/** A stored entry as the table holds it: without bytes when its record's row holds them (migration 0006). */
export type AuditEntry = Omit<StoredEntry, 'entry'> & { entry?: Uint8Array };

/** What the audit reads; implemented per dialect in `sqlite/tlog-store.ts` and `postgres/tlog-store.ts`. */
export interface AuditSource {
  entries(): AsyncIterable<AuditEntry> | Iterable<AuditEntry>;
  /** Stored nodes of `level` (>= 1) with index in [from, to). */
  nodes(level: number, from: number, to: number): Promise<Map<number, Uint8Array>>;
  nodeCount(): Promise<number>;
  head(): Promise<LogHead>;
  checkpoints(): Promise<StoredCheckpoint[]>;
  witnesses(): Promise<WitnessKey[]>;
  records(): AsyncIterable<StoredRecord> | Iterable<StoredRecord>;
  /** Every row of a table, as stored (for the checks that are not one row, one entry: nonces, fired timers). */
  rows(table: string, columns: string, order: string): AsyncIterable<Row> | Iterable<Row>;
}

export interface AuditOptions {
  /**
   * The log's public key as the auditor knows it; checkpoints are checked against it and the keys it handed over
   * to (log-key entries). Without it, the key the log names in its first log-key entry is used.
   */
  serverKey?: Verifier;
  witnessKeys?: Verifier[];
  /**
   * Anchor the audit outside the operator's reach (`log audit --witness-state`): witnesses' states and leaf mirrors,
   * trusted only as far as the cosignatures of the keys the package names (`witnessKeys`) verify and the mirror gives
   * the cosigned root; at least `quorum` distinct witnesses must. The database's leaves are then compared with
   * theirs, one by one.
   */
  anchors?: { states: WitnessAnchor[]; witnessKeys: Verifier[]; quorum: number };
}

/** A witness's state and mirror as an auditor reads them (src/cli/witness-mirror.ts): untrusted input. */
export interface WitnessAnchor {
  /** Where it was read from, for the findings. */
  from: string;
  /** The checkpoint as the witness cosigned it (the log's note and the witness's line). */
  note: string;
  /** The mirror: packed 32-byte leaf hashes, at least the note's size of them when honest. */
  leaves: Uint8Array;
}

export interface AuditReport {
  entries: number;
  records: number;
  checkpoints: number;
  /** The root recomputed from the stored entries. */
  root: Uint8Array;
  findings: AuditFinding[];
  /** The witness states that anchored the audit: who cosigned, and how many entries they vouch for. */
  anchored: { from: string; witnesses: string[]; size: number; time: string }[];
  /** The key given (`serverKey`) is none the log names: the keys it names instead. */
  wrongKey?: { given: Verifier; named: string[] };
}

const CHUNK = 8192;
const hex = (u: Uint8Array) => Buffer.from(u).toString('hex');

export async function auditLog(source: AuditSource, options: AuditOptions = {}): Promise<AuditReport> {
  const findings: AuditFinding[] = [];
  const checkpoints = (await source.checkpoints()).sort((a, b) => a.size - b.size);
  const roots = new Map<number, Uint8Array>();
  const range = new CompactRange();
  if (checkpoints.some((c) => c.size === 0)) roots.set(0, range.root());
  let computedNodes = 0;
  /** Latest entry of each record: its index, leaf hash and (for the kinds that keep them) bytes. */
  const latest = new Map<
    string,
    { index: number; kind: string; recordId: string; leaf: string; entry?: Uint8Array | undefined }
  >();
  let pending: Uint8Array[] = [];
  let expected = 0;
  const chain = new LogKeyChain();
  const anchors = (options.anchors?.states ?? []).map((a) => {
    const p = parseCheckpoint(a.note);
    return { input: a, size: p.ok ? Math.min(p.checkpoint.size, Math.floor(a.leaves.length / 32)) : 0, count: 0 };
  });
  /**
   * Entries whose stored leaf is not the one an anchor mirrored: by index, with the anchors that disagree; each
   * anchor's first 20 (entries come in index order), so a log rewritten from the start costs no memory per entry.
   */
  const differs = new Map<number, { kind: string; recordId: string; leaf: Uint8Array; from: string[] }>();

  const flush = async (): Promise<void> => {
    // Split at checkpoint sizes so the root at each is seen.
    while (pending.length) {
      const next = checkpoints.find((c) => c.size > range.size);
      const take = next && next.size - range.size <= pending.length ? next.size - range.size : pending.length;
      const part = pending.slice(0, take);
      pending = pending.slice(take);
      for (const b of range.append(part)) {
        if (b.level === 0) continue;
        computedNodes += b.count;
        const stored = await source.nodes(b.level, b.start, b.start + b.count);
        for (let j = 0; j < b.count; j++) {
          const h = stored.get(b.start + j);
          const want = b.hashes.subarray(j * 32, (j + 1) * 32);
          if (!h || !hashesEqual(h, want)) {
            const first = (b.start + j) * 2 ** b.level;
            findings.push({
              code: 'node-mismatch',
              message: `tree node ${b.level}/${b.start + j} (leaves ${first}..${first + 2 ** b.level - 1}) is ${h ? 'not the hash of its children' : 'missing'}`,
            });
          }
        }
      }
      if (checkpoints.some((c) => c.size === range.size)) roots.set(range.size, range.root());
    }
  };

  for await (const e of source.entries()) {
    if (e.index !== expected) {
      findings.push({
        code: 'entry-gap',
        index: expected,
        message: `entries ${expected}..${e.index - 1} are missing from the log table`,
      });
      // The tree cannot be rebuilt past a gap; recompute with what is there so later checks still run.
    }
    expected = e.index + 1;
    let leaf = e.leaf;
    if (e.entry) {
      leaf = hashLeaf(e.entry);
      if (!hashesEqual(leaf, e.leaf))
        findings.push({
          code: 'entry-hash',
          index: e.index,
          kind: e.kind,
          recordId: e.recordId,
          message: `entry ${e.index}: its bytes do not hash to the stored leaf hash`,
        });
      const d = decodeEntry(e.entry);
      if (!d.ok)
        findings.push({
          code: 'entry-invalid',
          index: e.index,
          kind: e.kind,
          recordId: e.recordId,
          message: `entry ${e.index}: ${d.error.message}`,
        });
      else if (d.entry.kind !== e.kind || recordIdOf(d.entry.kind, d.entry.record) !== e.recordId) {
        findings.push({
          code: 'entry-invalid',
          index: e.index,
          kind: e.kind,
          recordId: e.recordId,
          message: `entry ${e.index} logs ${d.entry.kind} ${recordIdOf(d.entry.kind, d.entry.record) ?? '(no id)'}, but is filed as ${e.kind} ${e.recordId}`,
        });
      } else if (d.entry.kind === 'log-key') chain.apply(e.index, d.entry.record);
      else if (d.entry.kind === 'case-step') {
        // A case step logs several records at once: each record's latest state may be here (docs/tlog.md, "Case steps").
        const subs = caseStepRecords(d.entry.record);
        if (typeof subs === 'string')
          findings.push({
            code: 'entry-invalid',
            index: e.index,
            kind: e.kind,
            recordId: e.recordId,
            message: `entry ${e.index}: case step ${e.recordId}: ${subs}`,
          });
        else
          for (const sub of subs) {
            const bytes = entryBytes(sub);
            latest.set(`${sub.kind}\n${sub.recordId}`, {
              index: e.index,
              kind: sub.kind,
              recordId: sub.recordId,
              leaf: hex(hashLeaf(bytes)),
              entry: bytes,
            });
          }
      }
    } else if (!rowLoggedKinds.has(e.kind) || e.leaf.length !== 32) {
      findings.push({
        code: 'entry-invalid',
        index: e.index,
        kind: e.kind,
        recordId: e.recordId,
        message: `entry ${e.index}: its bytes are missing, and ${e.kind} records are not rebuilt from rows`,
      });
    }
    // The stored leaf hash is what the tree and the signatures commit to; the record check uses the entry bytes, or
    // without them the stored leaf hash, and rebuilds each row to compare.
    const treeLeaf = e.leaf.length === 32 ? e.leaf : leaf;
    pending.push(treeLeaf);
    for (const a of anchors)
      if (e.index < a.size && !hashesEqual(treeLeaf, a.input.leaves.subarray(e.index * 32, e.index * 32 + 32))) {
        if (++a.count > 20) continue;
        const d = differs.get(e.index) ?? { kind: e.kind, recordId: e.recordId, leaf: treeLeaf, from: [] };
        d.from.push(a.input.from);
        differs.set(e.index, d);
      }
    latest.set(`${e.kind}\n${e.recordId}`, {
      index: e.index,
      kind: e.kind,
      recordId: e.recordId,
      leaf: hex(leaf),
      entry: rowLoggedKinds.has(e.kind) ? undefined : e.entry,
    });
    if (pending.length >= CHUNK) await flush();
  }
  await flush();
  const size = range.size;
  const root = range.root();
  const storedNodes = await source.nodeCount();
  if (storedNodes !== computedNodes)
    findings.push({
      code: 'node-mismatch',
      message: `the log holds ${storedNodes} tree nodes; ${size} entries make ${computedNodes}`,
    });

  const head = await source.head();
  if (head.size !== size || !hashesEqual(head.root, root)) {
    findings.push({
      code: 'head-mismatch',
      message: `the head row says ${head.size} entries with root ${hex(head.root)}; the entries give ${size} with root ${hex(root)}`,
    });
  }

  // Checkpoints: the root at each size, then the signatures, by the key in force at that size.
  for (const p of chain.problems) findings.push({ code: 'key-mismatch', message: p });
  // A key given that the log never named is the auditor's mistake, not the log's: reported apart (`wrongKey`), and
  // the checkpoints are checked against the keys the log names, as without a key.
  const foreign = options.serverKey && chain.keys.length > 0 && !chain.includes(options.serverKey);
  const serverKey = (foreign ? undefined : options.serverKey) ?? chain.keys[0]?.verifier;
  const witnessKeys =
    options.witnessKeys ??
    (await source.witnesses()).flatMap((w) => {
      const v = parseVkey(w.vkey);
      return v.ok ? [v.verifier] : [];
    });
  for (const cp of checkpoints) {
    const at = roots.get(cp.size);
    if (cp.size > size)
      findings.push({
        code: 'checkpoint-beyond-log',
        message: `checkpoint ${cp.size} was signed over more entries than the log holds (${size}): entries were deleted`,
      });
    else if (!at || !hashesEqual(at, cp.root))
      findings.push({
        code: 'checkpoint-root',
        message: `checkpoint ${cp.size}: the signed root ${hex(cp.root)} is not the root of the stored entries at that size${at ? ` (${hex(at)})` : ''}`,
      });
    const signers = serverKey ? chain.signersAt(cp.size, serverKey) : [];
    if (signers.length) {
      const note = cp.note + cp.cosignatures.join('');
      let v = verifyCheckpoint(note, itemAt(signers, 0), witnessKeys, {
        allowUnknown: true,
        origin: itemAt(signers, 0).name,
      });
      for (const k of signers.slice(1))
        if (!v.ok) v = verifyCheckpoint(note, k, witnessKeys, { allowUnknown: true, origin: k.name });
      if (!v.ok)
        findings.push({
          code: 'checkpoint-signature',
          message: `checkpoint ${cp.size}: ${v.errors.map((x) => x.message).join('; ')}`,
        });
      else if (v.checkpoint && (v.checkpoint.size !== cp.size || !hashesEqual(v.checkpoint.rootHash, cp.root))) {
        findings.push({
          code: 'checkpoint-signature',
          message: `checkpoint ${cp.size}: the signed note says size ${v.checkpoint.size}, root ${hex(v.checkpoint.rootHash)}, not what is filed beside it`,
        });
      }
    } else
      findings.push({
        code: 'checkpoint-signature',
        message: `checkpoint ${cp.size}: no log key to verify it with (${serverKey ? 'the key given is not the log key at that size' : 'none in the log, none given'})`,
      });
  }

  // A signed root the stored entries no longer give: the entries rewritten lie after the last checkpoint that still
  // holds and before the first that does not. With checkpoints signed within a second of every append, that is one
  // append: name its records.
  const firstBad = checkpoints.find((cp) => cp.size <= size && !hashesEqual(roots.get(cp.size) ?? cp.root, cp.root));
  if (firstBad) {
    const good = checkpoints.filter((cp) => cp.size < firstBad.size && hashesEqual(valueAt(roots, cp.size), cp.root));
    const from = good.length ? itemAt(good, good.length - 1).size : 0;
    const named: string[] = [];
    for await (const e of source.entries()) {
      if (e.index >= firstBad.size) break;
      if (e.index >= from && named.length < 20) named.push(`${e.index} ${e.kind} ${e.recordId}`);
    }
    findings.push({
      code: 'record-rewritten',
      message: `entries ${from}..${firstBad.size - 1} were rewritten after checkpoint ${firstBad.size} was signed (checkpoint ${from || 'none'} still holds): ${named.join(', ')}${firstBad.size - from > named.length ? ', …' : ''}`,
    });
  }

  const anchored = options.anchors
    ? checkAnchors(options.anchors, {
        counts: new Map(anchors.map((a) => [a.input.from, a.count])),
        size,
        findings,
        differs,
        signersAt: (n) => (serverKey ? chain.signersAt(n, serverKey) : []),
      })
    : [];

  // Records against their latest entries.
  const seen = new Set<string>();
  let records = 0;
  const memberKeys: MemberKeyRecord[] = [];
  const votes: { caseId: string; recordId: string; table: string; vote: LoggedVote & { at: number } }[] = [];
  const timers = new Map<string, Timer>();
  const judgments = new Map<string, { deadline: number | null; outcome?: unknown }>();
  const tasks = new Map<string, ResponseTask>();
  for await (const r of source.records()) {
    records++;
    collect(r.entry, { memberKeys, votes, timers, judgments, tasks, table: r.table });
    const { kind, recordId } = r.entry;
    const k = `${kind}\n${recordId}`;
    const where = { kind, recordId, table: r.table };
    if (r.columns?.length)
      findings.push({
        code: 'record-columns',
        ...where,
        message: `${kind} ${recordId} (${r.table}): the columns ${r.columns.join(', ')} disagree with the stored document`,
      });
    if (seen.has(k)) {
      findings.push({
        code: 'record-duplicate',
        ...where,
        message: `${kind} ${recordId} is stored twice (${r.table})`,
      });
      continue;
    }
    seen.add(k);
    const l = latest.get(k);
    let leaf: string;
    try {
      leaf = hex(hashLeaf(encodeRecord(r.entry)));
    } catch (e) {
      findings.push({
        code: 'record-changed',
        ...where,
        message: `${kind} ${recordId} (${r.table}) cannot be encoded: ${(e as Error).message}`,
      });
      continue;
    }
    if (!l)
      findings.push({
        code: 'record-unlogged',
        ...where,
        message: `${kind} ${recordId} (${r.table}) is not in the log: added after the fact, or its id was changed`,
      });
    else if (l.leaf !== leaf)
      findings.push({
        code: 'record-changed',
        ...where,
        index: l.index,
        message: `${kind} ${recordId} (${r.table}) differs from its entry ${l.index}${whatDiffers(r.entry, l.entry)}: changed after it was logged`,
      });
  }
  await checkConsequences(source, findings, { memberKeys, votes, timers, judgments, tasks });
  for (const [k, l] of latest) {
    if (!seen.has(k) && storedKinds.has(l.kind)) {
      findings.push({
        code: 'record-deleted',
        kind: l.kind,
        recordId: l.recordId,
        index: l.index,
        message: `${l.kind} ${l.recordId} is logged (entry ${l.index}) but no longer stored: deleted`,
      });
    }
  }
  return {
    entries: size,
    records,
    checkpoints: checkpoints.length,
    root,
    findings,
    anchored,
    ...(foreign && options.serverKey
      ? { wrongKey: { given: options.serverKey, named: chain.keys.map((k) => k.vkey) } }
      : {}),
  };
}

/**
 * The audit anchored on witnesses: each state counts for the witnesses whose cosignature of its checkpoint verifies
 * under a key the package names, when its mirror gives the cosigned root; then every stored leaf under that size
 * must be the one mirrored. An operator holding the database and the log key can re-sign a rewritten history, but
 * cannot make a witness's key cosign it, nor change the leaves the witness kept.
 */
function checkAnchors(
  o: NonNullable<AuditOptions['anchors']>,
  c: {
    /** How many leaves differ from each anchor's mirror. */
    counts: Map<string, number>;
    size: number;
    findings: AuditFinding[];
    differs: Map<number, { kind: string; recordId: string; leaf: Uint8Array; from: string[] }>;
    signersAt: (size: number) => Verifier[];
  },
): AuditReport['anchored'] {
  const anchored: AuditReport['anchored'] = [];
  const valid = new Set<string>();
  for (const a of o.states) {
    const parsed = parseCheckpoint(a.note);
    if (!parsed.ok) {
      c.findings.push({ code: 'witness-anchor', message: `${a.from}: the state's checkpoint does not parse` });
      continue;
    }
    const cp = parsed.checkpoint;
    let v: ReturnType<typeof verifyCheckpoint> | undefined;
    for (const k of c.signersAt(cp.size)) {
      v = verifyCheckpoint(a.note, k, o.witnessKeys, { allowUnknown: true, origin: k.name });
      if (v.ok) break;
    }
    const names = v?.ok ? v.verifiedWitnesses.map((w) => w.name) : [];
    if (!names.length) {
      c.findings.push({
        code: 'witness-anchor',
        message: `${a.from}: its checkpoint of size ${cp.size} carries no valid cosignature of a witness the package names${v && !v.ok ? ` (${v.errors.map((e) => e.message).join('; ')})` : ' (no log key at that size)'}; not counted`,
      });
      continue;
    }
    if (a.leaves.length < cp.size * 32) {
      c.findings.push({
        code: 'witness-anchor',
        message: `${a.from}: the mirror holds ${Math.floor(a.leaves.length / 32)} leaves, fewer than the ${cp.size} ${names.join(', ')} cosigned; not counted`,
      });
      continue;
    }
    const hashes: Uint8Array[] = new Array<Uint8Array>(cp.size);
    for (let i = 0; i < cp.size; i++) hashes[i] = a.leaves.subarray(i * 32, i * 32 + 32);
    if (!hashesEqual(rootFromLeafHashes(hashes), cp.rootHash)) {
      c.findings.push({
        code: 'witness-anchor',
        message: `${a.from}: the mirror's leaves do not give the root ${names.join(', ')} cosigned at size ${cp.size}; not counted`,
      });
      continue;
    }
    for (const n of names) valid.add(n);
    const time = cp.time.toISOString();
    anchored.push({ from: a.from, witnesses: names, size: cp.size, time });
    if (c.size < cp.size)
      c.findings.push({
        code: 'checkpoint-beyond-log',
        message: `${names.join(', ')} cosigned ${cp.size} entries (${time}); the database holds ${c.size}: entries were deleted`,
      });
  }
  if (valid.size < o.quorum)
    c.findings.push({
      code: 'witness-quorum',
      message: `the package requires ${o.quorum} witness(es); valid states were given for ${valid.size}${valid.size ? ` (${[...valid].join(', ')})` : ''}: the audit is not anchored`,
    });
  const counted = new Set(anchored.map((a) => a.from));
  const rewritten = [...c.differs].filter(([, d]) => d.from.some((f) => counted.has(f))).sort((x, y) => x[0] - y[0]);
  for (const [index, d] of rewritten.slice(0, 20)) {
    const by = anchored.filter((a) => d.from.includes(a.from));
    const first = by.find((a) => a.size > 0);
    c.findings.push({
      code: 'record-rewritten',
      kind: d.kind,
      recordId: d.recordId,
      index,
      message: `entry ${index} (${d.kind} ${d.recordId}) is not the entry ${by.map((a) => `${a.witnesses.join(', ')} cosigned at size ${a.size}`).join('; ')}: its leaf is ${hex(d.leaf)} here, ${hex(first ? mirrored(o, first.from, index) : new Uint8Array())} in the witness's mirror; rewritten after it was witnessed`,
    });
  }
  const total = Math.max(rewritten.length, ...anchored.map((a) => c.counts.get(a.from) ?? 0));
  if (total > 20)
    c.findings.push({
      code: 'record-rewritten',
      message: `${total - 20} more entries differ from the witnesses' mirrors (the first 20 are listed)`,
    });
  return anchored;
}

function mirrored(o: NonNullable<AuditOptions['anchors']>, from: string, index: number): Uint8Array {
  const a = o.states.find((s) => s.from === from);
  if (!a) throw new Error(`log audit: no witness state from ${from}`);
  return a.leaves.subarray(index * 32, index * 32 + 32);
}

function encodeRecord(e: LogEntry): Uint8Array {
  return entryBytes(e);
}

/** Which fields of a stored record differ from its logged entry, for the finding: ` (role: admin, logged monitor)`. */
function whatDiffers(stored: LogEntry, logged: Uint8Array | undefined): string {
  if (stored.salt) return ' (its content no longer opens the logged commitment)';
  if (!logged) return '';
  const d = decodeEntry(logged);
  if (!d.ok) return '';
  const out: string[] = [];
  const walk = (a: JsonValue | undefined, b: JsonValue | undefined, path: string, depth: number): void => {
    if (out.length >= 4) return;
    const obj = (x: JsonValue | undefined): x is { [k: string]: JsonValue } =>
      x !== null && typeof x === 'object' && !Array.isArray(x);
    if (depth < 3 && obj(a) && obj(b)) {
      for (const k of new Set([...Object.keys(a), ...Object.keys(b)]))
        walk(a[k], b[k], path ? `${path}.${k}` : k, depth + 1);
      return;
    }
    const ja = JSON.stringify(a ?? null);
    const jb = JSON.stringify(b ?? null);
    if (ja !== jb) out.push(`${path || 'record'}: stored ${clip(ja)}, logged ${clip(jb)}`);
  };
  walk(asStored(stored.record), d.entry.record, '', 0);
  return out.length ? ` (${out.join('; ')})` : '';
}

const clip = (s: string): string => (s.length > 80 ? `${s.slice(0, 77)}...` : s);

interface MemberKeyRecord {
  member: string;
  publicKey: string;
  createdAt: number;
  revokedAt?: number;
}

interface Consequences {
  memberKeys: MemberKeyRecord[];
  votes: { caseId: string; recordId: string; table: string; vote: LoggedVote & { at: number } }[];
  timers: Map<string, Timer>;
  judgments: Map<string, { deadline: number | null; outcome?: unknown }>;
  tasks: Map<string, ResponseTask>;
}

/** What the checks beyond one row, one entry need, gathered from the stored records as they stream past. */
function collect(e: LogEntry, into: Consequences & { table: string }): void {
  const r = e.record as Record<string, unknown>;
  if (e.kind === 'member-key') into.memberKeys.push(r as unknown as MemberKeyRecord);
  else if (e.kind === 'timer') into.timers.set(e.recordId, r['timer'] as Timer);
  else if (e.kind === 'task-change') into.tasks.set(e.recordId, r['task'] as ResponseTask);
  else if (e.kind === 'case-event' && r['event'] === 'case-file') {
    const f = r['file'] as { caseId: string; judgment: { deadline: number | null; outcome?: unknown } };
    into.judgments.set(f.caseId, f.judgment);
  } else if (e.kind === 'vote' || (e.kind === 'case-event' && r['event'] === 'vote-rejected')) {
    const v = (e.kind === 'vote' ? r['vote'] : r['rejection']) as LoggedVote & { at: number };
    into.votes.push({ caseId: String(r['case']), recordId: e.recordId, table: into.table, vote: v });
  }
}

/**
 * The tables of consequence beyond one row, one entry: every vote's signature under the member's key as registered
 * when it was cast; every nonce consumed by a logged vote and no other; no timer marked fired without its effect.
 */
async function checkConsequences(source: AuditSource, findings: AuditFinding[], c: Consequences): Promise<void> {
  const byNonce = new Map<string, { caseId: string; member: string; digest?: string | undefined }>();
  // Votes cast before migration 0015 keep only their statement's digest: their nonce rows are matched by it.
  const byDigest = new Map<string, { caseId: string; member: string; digest?: string | undefined }>();
  for (const { caseId, recordId, table, vote } of c.votes) {
    if (vote.statement && !vote.signed) byDigest.set(vote.statement, { caseId, member: vote.member });
    if (vote.signed) {
      try {
        const nonce = (JSON.parse(vote.signed.statement) as { nonce?: unknown }).nonce;
        if (typeof nonce === 'string') byNonce.set(nonce, { caseId, member: vote.member, digest: vote.statement });
      } catch {
        // verifyLoggedVote names a statement that is not JSON
      }
    }
    if (!vote.signed && !vote.statement) continue; // cast unsigned (a test casework), nothing to check
    if (!vote.signed) continue; // logged before votes carried their statement (migration 0015): the digest only
    const keys = c.memberKeys
      .filter(
        (k) =>
          k.member === vote.member && k.createdAt <= vote.at && (k.revokedAt === undefined || k.revokedAt > vote.at),
      )
      .map((k) => k.publicKey);
    const v = verifyLoggedVote(caseId, vote, keys);
    if (!v.ok)
      findings.push({
        code: 'vote-signature',
        kind: recordId.includes('/vote/') ? 'vote' : 'case-event',
        recordId,
        table,
        message: `${recordId} (${table}): ${v.reason}`,
      });
  }
  for await (const row of source.rows('vote_nonces', 'nonce, case_id, member, digest', 'nonce')) {
    const nonce = String(row['nonce']);
    const v = byNonce.get(nonce) ?? byDigest.get(String(row['digest']));
    byNonce.delete(nonce);
    if (!v || v.caseId !== row['case_id'] || v.member !== row['member'] || (v.digest && v.digest !== row['digest']))
      findings.push({
        code: 'nonce-unlogged',
        table: 'vote_nonces',
        recordId: nonce,
        message: `vote_nonces ${nonce}: ${v ? `says case ${String(row['case_id'])}, member ${String(row['member'])}; the logged vote ${v.caseId}, ${v.member}` : 'no logged vote carries this nonce'}`,
      });
  }
  for (const [nonce, v] of byNonce)
    findings.push({
      code: 'nonce-missing',
      table: 'vote_nonces',
      recordId: nonce,
      message: `vote_nonces ${nonce}: the nonce of ${v.member}'s logged vote on ${v.caseId} is not stored, so the vote could be replayed`,
    });
  for await (const row of source.rows('timers', 'key, fired_at', 'key')) {
    if (row['fired_at'] === null || row['fired_at'] === undefined) continue;
    const t = c.timers.get(String(row['key']));
    if (t && timerPending(t, c.judgments.get(t.caseId), t.taskId ? c.tasks.get(t.taskId) : undefined))
      findings.push({
        code: 'timer-suppressed',
        table: 'timers',
        kind: 'timer',
        recordId: t.key,
        message: `timers ${t.key}: marked fired, but its effect is not in the case's logged state (a restart re-arms it)`,
      });
  }
}

/** The tables the audit reads, in this order, with the columns it needs; `doc` is parsed before `recordsOfRow`. */
export const auditTables: readonly { table: string; columns: string; order: string }[] = [
  {
    table: 'observations',
    columns: 'seq, source, source_id, activity, time, region, received_at, submitted_by, doc, salt',
    order: 'seq',
  },
  {
    table: 'incidents',
    columns:
      'seq, id, revision, status, activity, time, start_ms, end_ms, min_lon, min_lat, max_lon, max_lat, region, doc, salt',
    order: 'seq',
  },
  { table: 'incident_revisions', columns: 'seq, id, revision, doc, salt', order: 'seq' },
  {
    table: 'violations',
    columns: 'seq, id, revision, status, prohibition, party, time, region, doc, salt',
    order: 'seq',
  },
  { table: 'violation_revisions', columns: 'seq, id, revision, doc, salt', order: 'seq' },
  { table: 'cases', columns: 'seq, id, case_key, trigger_id, severity, party, opened_at, doc, salt', order: 'seq' },
  { table: 'case_revisions', columns: 'seq, id, revision, doc, salt', order: 'seq' },
  { table: 'case_files', columns: 'case_id, opened_at, status, deadline, doc', order: 'case_id' },
  { table: 'api_keys', columns: 'id, actor, role, created_at, revoked_at', order: 'id' },
  // Few rows, and no one-column key: read in one query (a comma in `order` says so).
  {
    table: 'member_keys',
    columns: 'member, fingerprint, public_key, created_at, revoked_at',
    order: 'member, fingerprint',
  },
  { table: 'timers', columns: 'key, case_id, kind, step, at, task_id', order: 'key' },
];

type Row = Record<string, unknown>;
type Doc = { [key: string]: JsonValue };

/**
 * Kinds logged once per record (a new revision is a new record id) and found through the record's own row rather
 * than the log's record index, which leaves them out (migration 0004): rebuild the entry from the row, and its
 * leaf hash finds it in the log.
 */
export const rowLoggedKinds: ReadonlySet<string> = new Set(['observation', 'incident-revision', 'violation']);

/**
 * The queries that may find a row-logged record's row, tried in order (current table, then the revisions table).
 * `p(n)` writes the dialect's n-th placeholder. Empty when the id cannot name such a record.
 */
export function rowQueries(
  kind: string,
  recordId: string,
  p: (n: number) => string,
): { table: string; sql: string; params: unknown[] }[] {
  const cols = (table: string) => {
    const t = auditTables.find((a) => a.table === table);
    if (!t) throw new Error(`${table}: not an audited table`);
    return t.columns;
  };
  const integer = (text: string): number | undefined =>
    /^[1-9][0-9]{0,15}$/.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : undefined;
  if (kind === 'observation') {
    const seq = integer(recordId);
    return seq === undefined
      ? []
      : [
          {
            table: 'observations',
            sql: `SELECT ${cols('observations')} FROM observations WHERE seq = ${p(1)}`,
            params: [seq],
          },
        ];
  }
  if (kind !== 'incident-revision' && kind !== 'violation') return [];
  const at = recordId.lastIndexOf('@');
  const revision = at > 0 ? integer(recordId.slice(at + 1)) : undefined;
  if (revision === undefined) return [];
  const id = recordId.slice(0, at);
  const tables = kind === 'violation' ? ['violations', 'violation_revisions'] : ['incidents', 'incident_revisions'];
  return tables.map((table) => ({
    table,
    sql: `SELECT ${cols(table)} FROM ${table} WHERE id = ${p(1)} AND revision = ${p(2)}`,
    params: [id, revision],
  }));
}

const same = (a: unknown, b: unknown): boolean => {
  if (a === null || a === undefined) return b === null || b === undefined;
  if (typeof a === 'number' || typeof b === 'number') return Number(a) === Number(b);
  return a === b;
};

function differing(row: Row, names: readonly string[], values: readonly unknown[]): string[] {
  return names.filter((n, i) => !same(row[n], values[i]));
}

/** The record a row-logged record's row holds (`doc` as stored text); undefined when the document is unreadable. */
function recordOfRow(table: string, row: Row): StoredRecord | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(String(row['doc']));
  } catch {
    return undefined; // a damaged row logs nothing findable; the audit reports it
  }
  return recordsOfRow(table, { ...row, doc })[0];
}

/** The leaf hash of the entry a row-logged record's row gives. */
export function leafOfRow(table: string, row: Row): Uint8Array | undefined {
  const r = recordOfRow(table, row);
  return r && hashLeaf(entryBytes(r.entry));
}

/** One stored row (with `doc` parsed) as the records it holds, each rebuilt into its entry. */
export function recordsOfRow(table: string, row: Row): StoredRecord[] {
  const doc = row['doc'] as Doc;
  const salt = row['salt'] as string | null | undefined;
  const one = (entry: LogEntry, columns: string[]): StoredRecord[] => [
    columns.length ? { table, entry, columns } : { table, entry },
  ];
  switch (table) {
    case 'observations':
      return one(
        observationEntry(Number(row['seq']), Number(row['received_at']), String(row['submitted_by']), doc, salt),
        differing(
          row,
          ['source', 'source_id', 'activity', 'time', 'region'],
          observationColumns(doc as unknown as Observation),
        ),
      );
    case 'incidents':
      return one(
        incidentEntry(doc, salt),
        differing(
          row,
          [
            'id',
            'revision',
            'status',
            'activity',
            'time',
            'start_ms',
            'end_ms',
            'min_lon',
            'min_lat',
            'max_lon',
            'max_lat',
            'region',
          ],
          incidentColumns(doc as unknown as Incident),
        ),
      );
    case 'violations':
      return one(
        violationEntry(doc, salt),
        differing(
          row,
          ['id', 'revision', 'status', 'prohibition', 'party', 'time', 'region'],
          violationColumns(doc as unknown as Violation),
        ),
      );
    case 'incident_revisions':
      return one(incidentEntry(doc, salt), differing(row, ['id', 'revision'], [doc['id'], doc['revision']]));
    case 'violation_revisions':
      return one(violationEntry(doc, salt), differing(row, ['id', 'revision'], [doc['id'], doc['revision']]));
    case 'cases':
      return one(
        caseOpeningEntry(doc, salt),
        differing(
          row,
          ['id', 'case_key', 'trigger_id', 'severity', 'party', 'opened_at'],
          caseColumns(doc as unknown as CaseOpening),
        ),
      );
    case 'case_revisions':
      return one(
        caseOpeningEntry(doc, salt),
        differing(row, ['id', 'revision'], [doc['id'], typeof doc['revision'] === 'number' ? doc['revision'] : 1]),
      );
    case 'case_files': {
      const f = doc as unknown as CaseFile;
      const cols = differing(
        row,
        ['case_id', 'opened_at', 'status', 'deadline'],
        [f.caseId, f.openedAt, f.judgment?.outcome ? 'decided' : 'open', f.judgment?.deadline],
      );
      return caseFileEntries(f).map((entry, i) =>
        i === 0 && cols.length ? { table, entry, columns: cols } : { table, entry },
      );
    }
    case 'api_keys':
      return one(
        apiKeyEntry({
          id: String(row['id']),
          actor: String(row['actor']),
          role: String(row['role']),
          createdAt: Number(row['created_at']),
          ...(row['revoked_at'] === null ? {} : { revokedAt: Number(row['revoked_at']) }),
        }),
        [],
      );
    case 'member_keys':
      return one(
        memberKeyEntry({
          member: String(row['member']),
          fingerprint: String(row['fingerprint']),
          publicKey: String(row['public_key']),
          createdAt: Number(row['created_at']),
          ...(row['revoked_at'] === null ? {} : { revokedAt: Number(row['revoked_at']) }),
        }),
        [],
      );
    case 'timers':
      return one(
        timerEntry({
          key: String(row['key']),
          kind: row['kind'] as Timer['kind'],
          at: Number(row['at']),
          caseId: String(row['case_id']),
          ...(row['task_id'] === null ? {} : { taskId: String(row['task_id']) }),
          ...(row['kind'] === 'task-escalation' ? { step: Number(row['step']) } : {}),
        }),
        [],
      );
    default:
      throw new Error(`bug: no audit rule for table ${table}`);
  }
}
