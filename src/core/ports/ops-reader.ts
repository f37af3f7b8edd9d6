/**
 * The read port the operations pipeline needs from a store. The pipeline is pure: it reads what it needs through
 * this port, computes, and returns records; the store writes them in the same transaction as the observations.
 * Every method takes a whole batch's worth of questions, so a store answers a batch with a handful of queries.
 * Methods may answer synchronously (better-sqlite3, the in-memory reader) or with a promise (PostgreSQL).
 */
import type { Activity } from '../spec/vocabulary.js';
import type { Incident } from '../ops/incident.js';
import type { Violation } from '../ops/violation.js';
import type { CaseOpening } from '../ops/case-opening.js';

export type Maybe<T> = T | Promise<T>;

/**
 * Open incidents a new observation might join. A point probe asks for incidents of the activity whose time span
 * [start, end] intersects [from, to] and whose bounding box (`minLon..maxLat`, the box around every member's
 * uncertainty disc) intersects the probe's box; a region probe asks for region-level incidents of that region.
 * With `source` (the reporting source), an incident whose only member is from that source may be left out: a
 * report never joins one (fusion.ts `cohere`), and a store that indexes incidents by sole source skips them.
 */
export type IncidentProbe = (
  | { activity: Activity; from: number; to: number; minLon: number; minLat: number; maxLon: number; maxLat: number }
  | { activity: Activity; from: number; to: number; region: string }
) & { source?: string };

/** Active violations of some prohibitions by one party (or `undetermined`) whose `time` lies in [from, to). */
export interface ViolationQuery {
  prohibitions: readonly string[];
  party: string;
  from: number;
  /** Exclusive; `Infinity` for a trigger that counts without a window (`count` without `within`). */
  to: number;
}

export interface OpsReader {
  /**
   * The union of the answers to every probe, each incident once, latest revision, status `open` only. It may hold
   * other open incidents too (fusion tests each one exactly): a store can answer coarsely where that is cheaper.
   */
  findIncidents(probes: readonly IncidentProbe[]): Maybe<Incident[]>;
  /** Latest revisions of active violations answering any of the queries, each once. */
  findViolations(queries: readonly ViolationQuery[]): Maybe<Violation[]>;
  /** The cases these keys already opened, by key: each at its latest revision. */
  existingCases(keys: readonly string[]): Maybe<ReadonlyMap<string, CaseOpening>>;
  /**
   * Latest revisions of these incidents, whatever their status (absent ids are left out). Fusion asks only when it
   * founds an incident on a stored report, which may have founded one before.
   */
  incidentsById(ids: readonly string[]): Maybe<Incident[]>;
}
