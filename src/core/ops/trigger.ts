/**
 * Triggers to breach cases. A violation qualifies for a trigger when the trigger covers its prohibition, enough
 * independent operators saw it (`independent-sources`), its combined confidence is high enough, and, for a depth
 * trigger, it lies at least that far beyond the line. A case opens when `count` qualifying violations by one
 * party (or by an undetermined party) fall in one window of `within`.
 *
 * Windows are fixed, aligned to the package's `effective` time: [effective + k*within, effective + (k+1)*within).
 * That makes the case key (trigger, party, window start) a pure function of the violations, whatever order they
 * arrive in, so replays and retries never open a breach twice. The price: a run of violations that straddles a
 * window boundary is counted in two windows (docs/operations/fusion.md discusses it). Without `within`, `count`
 * counts over the whole life of the package; with neither, every qualifying violation is its own breach.
 *
 * Two times: `breachAt` is when, in the world, the threshold was met (the time of the count-th qualifying
 * violation); `openedAt` is when the system knew (the clock at processing). The judgment clock starts at
 * `openedAt`: a body cannot deliberate over a breach before anyone can know of it, and a late report must not
 * open a case whose deadline has already passed.
 */
import { createHash } from 'node:crypto';
import type { OpsModel, PreparedTrigger } from './model.js';
import type { ViolationQuery } from './ports.js';
import type { ObservationRef, Violation } from './violation.js';

export interface EvidenceLink {
  violation: string;
  incident: string;
  prohibition: string;
  time: number;
  confidence: number;
  corroboration: number;
  depth?: number;
  observations: ObservationRef[];
}

export interface CaseOpening {
  id: string;
  /** (trigger, party, window): unique per breach. */
  key: string;
  trigger: string;
  severity: string;
  /** An actor id, or `undetermined`. */
  party: string;
  windowStart: number;
  /** Exclusive; null for a window without end. */
  windowEnd: number | null;
  /** Event time at which the threshold was met. */
  breachAt: number;
  /** Processing time: the judgment clock starts here. */
  openedAt: number;
  /** Qualifying violations in the window when the case opened, by time. */
  evidence: EvidenceLink[];
  /** Greatest depth beyond the line among them (depth triggers). */
  depth?: number;
}

export function caseId(key: string): string {
  return 'case-' + createHash('sha256').update(key).digest('hex').slice(0, 24);
}

export function qualifies(t: PreparedTrigger, v: Violation): boolean {
  if (v.status !== 'active') return false;
  if (v.corroboration < t.sources) return false;
  // Confidences are products of floats: 0.8 must meet 0.8.
  if (v.confidence < t.confidence - 1e-9) return false;
  if (t.depth !== undefined && !(v.depth !== undefined && v.depth >= t.depth)) return false;
  return true;
}

export interface BreachWindow {
  key: string;
  trigger: PreparedTrigger;
  party: string;
  start: number;
  /** Exclusive; Infinity without end. */
  end: number;
}

export function windowFor(model: OpsModel, t: PreparedTrigger, v: Violation): BreachWindow {
  if (t.within !== undefined) {
    const start = model.effective + Math.floor((v.time - model.effective) / t.within) * t.within;
    return { key: `${t.id}|${v.party}|${start}`, trigger: t, party: v.party, start, end: start + t.within };
  }
  if (t.count > 1) return { key: `${t.id}|${v.party}|all`, trigger: t, party: v.party, start: model.effective, end: Infinity };
  return { key: `${t.id}|${v.party}|${v.incidentId}`, trigger: t, party: v.party, start: v.time, end: v.time };
}

/** The windows a batch's violation changes touch, and what to ask the store about them. */
export function touchedWindows(model: OpsModel, changes: readonly Violation[]): { windows: BreachWindow[]; queries: ViolationQuery[] } {
  const windows = new Map<string, BreachWindow>();
  for (const v of changes) {
    for (const t of model.triggersOn.get(v.prohibition) ?? []) {
      if (!qualifies(t, v)) continue;
      const w = windowFor(model, t, v);
      if (!windows.has(w.key)) windows.set(w.key, w);
    }
  }
  const list = [...windows.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { windows: list, queries: windowQueries(list) };
}

/** What to ask the store about windows that need more than one violation. */
export function windowQueries(windows: readonly BreachWindow[]): ViolationQuery[] {
  return windows.filter((w) => w.trigger.count > 1).map((w) => ({ prohibitions: w.trigger.on, party: w.party, from: w.start, to: w.end }));
}

/**
 * Cases that open: windows whose qualifying violations (stored ones, overridden by this batch's changes) reach
 * the trigger's count, and whose key has not opened a case before.
 */
export function openCases(
  windows: readonly BreachWindow[],
  stored: readonly Violation[],
  changes: readonly Violation[],
  existing: ReadonlySet<string>,
  now: number,
): CaseOpening[] {
  const latest = new Map<string, Violation>();
  for (const v of stored) latest.set(v.id, v);
  for (const v of changes) latest.set(v.id, v);
  const byParty = new Map<string, Violation[]>();
  for (const v of latest.values()) {
    let l = byParty.get(v.party);
    if (!l) byParty.set(v.party, (l = []));
    l.push(v);
  }
  const out: CaseOpening[] = [];
  for (const w of windows) {
    if (existing.has(w.key)) continue;
    const t = w.trigger;
    const on = new Set(t.on);
    const inWindow = (v: Violation) => (t.count > 1 || t.within !== undefined ? v.time >= w.start && v.time < w.end : w.key === `${t.id}|${v.party}|${v.incidentId}`);
    const hits = (byParty.get(w.party) ?? []).filter((v) => on.has(v.prohibition) && inWindow(v) && qualifies(t, v));
    if (hits.length < t.count) continue;
    hits.sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : 1));
    const evidence = hits.map((v): EvidenceLink => {
      const link: EvidenceLink = {
        violation: v.id,
        incident: v.incidentId,
        prohibition: v.prohibition,
        time: v.time,
        confidence: v.confidence,
        corroboration: v.corroboration,
        observations: v.observations,
      };
      if (v.depth !== undefined) link.depth = v.depth;
      return link;
    });
    const c: CaseOpening = {
      id: caseId(w.key),
      key: w.key,
      trigger: t.id,
      severity: t.severity,
      party: w.party,
      windowStart: w.start,
      windowEnd: Number.isFinite(w.end) ? w.end : null,
      breachAt: hits[t.count - 1]!.time,
      openedAt: now,
      evidence,
    };
    const depths = hits.map((v) => v.depth).filter((d): d is number => d !== undefined);
    if (depths.length) c.depth = Math.max(...depths);
    out.push(c);
  }
  return out;
}
