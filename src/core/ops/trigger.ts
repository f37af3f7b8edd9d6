/**
 * Triggers to breach cases. A violation qualifies for a trigger when the trigger covers its prohibition, enough
 * independent operators saw it (`independent-sources`), its combined confidence is high enough, and, for a depth
 * trigger, it lies at least that far beyond the line. A case opens when `count` qualifying violations by one
 * party (or by an undetermined party) fall within `within` of each other: a sliding window, so no run of violations
 * escapes by straddling a boundary.
 *
 * Anchored sliding windows: the timeline is cut into periods [effective + k*within, effective + (k+1)*within), and
 * period k's breach is a run of `count` qualifying violations spanning less than `within` whose earliest member
 * falls in period k. Every qualifying run has its earliest member in exactly one period, so every run is caught
 * (fixed windows miss a run split by a boundary: a violator could time attacks to never trigger); the case key
 * (trigger, party, period start) stays a pure function of the violations, whatever order they arrive in, so replays
 * and retries never open a breach twice; and a sustained campaign opens at most one case per period, as before.
 * Without `within`, `count` counts over the whole life of the package; with neither, every qualifying violation is
 * its own breach.
 *
 * A dormant trigger (`wakes`) counts only violations from the moment it wakes: before that it is inactive.
 *
 * Two times: `breachAt` is when, in the world, the threshold was met (the time of the count-th qualifying
 * violation); `openedAt` is when the system knew (the clock at processing). The judgment clock starts at
 * `openedAt`: a body cannot deliberate over a breach before anyone can know of it, and a late report must not
 * open a case whose deadline has already passed.
 */
import { sha256Hex } from './digest.js';
import type { OpsModel, PreparedTrigger } from './model.js';
import type { ViolationQuery } from '../ports/ops-reader.js';
import type { ObservationRef, Violation } from './violation.js';
import { itemAt } from '../item-at.js';

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
  return 'case-' + sha256Hex(key).slice(0, 24);
}

export function qualifies(t: PreparedTrigger, v: Violation): boolean {
  if (v.status !== 'active') return false;
  // A dormant trigger counts only what happens once it has woken (`wakes`).
  if (v.time < t.activeFrom) return false;
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
  /** Where a run's earliest member may lie: the period [start, end); end exclusive, Infinity without end. */
  start: number;
  end: number;
  /** Exclusive bound on the members' times: end + within for a sliding window, else end. */
  reach: number;
}

/**
 * The windows a violation may complete: for a sliding trigger, the period it falls in and the one before (a run it
 * ends may have started there); otherwise the one window it belongs to.
 */
export function windowsFor(model: OpsModel, t: PreparedTrigger, v: Violation): BreachWindow[] {
  if (t.within !== undefined) {
    const w = t.within;
    const k = Math.floor((v.time - model.effective) / w);
    const period = (j: number): BreachWindow => {
      const start = model.effective + j * w;
      return {
        key: `${t.id}|${v.party}|${start}`,
        trigger: t,
        party: v.party,
        start,
        end: start + w,
        reach: start + 2 * w,
      };
    };
    return k > 0 ? [period(k - 1), period(k)] : [period(k)];
  }
  if (t.count > 1)
    return [
      {
        key: `${t.id}|${v.party}|all`,
        trigger: t,
        party: v.party,
        start: model.effective,
        end: Infinity,
        reach: Infinity,
      },
    ];
  return [
    {
      key: `${t.id}|${v.party}|${v.incidentId}`,
      trigger: t,
      party: v.party,
      start: v.time,
      end: v.time,
      reach: v.time,
    },
  ];
}

/** The windows a batch's violation changes touch, and what to ask the store about them. */
export function touchedWindows(
  model: OpsModel,
  changes: readonly Violation[],
): { windows: BreachWindow[]; queries: ViolationQuery[] } {
  const windows = new Map<string, BreachWindow>();
  for (const v of changes) {
    for (const t of model.triggersOn.get(v.prohibition) ?? []) {
      if (!qualifies(t, v)) continue;
      for (const w of windowsFor(model, t, v)) if (!windows.has(w.key)) windows.set(w.key, w);
    }
  }
  const list = [...windows.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { windows: list, queries: windowQueries(list) };
}

/** What to ask the store about windows that need more than one violation. */
export function windowQueries(windows: readonly BreachWindow[]): ViolationQuery[] {
  return windows
    .filter((w) => w.trigger.count > 1)
    .map((w) => ({ prohibitions: w.trigger.on, party: w.party, from: w.start, to: w.reach }));
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
    const inReach = (v: Violation) =>
      t.count > 1 || t.within !== undefined
        ? v.time >= w.start && v.time < w.reach
        : w.key === `${t.id}|${v.party}|${v.incidentId}`;
    const candidates = (byParty.get(w.party) ?? []).filter(
      (v) => on.has(v.prohibition) && inReach(v) && qualifies(t, v),
    );
    if (candidates.length < t.count) continue;
    candidates.sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : 1));
    const run =
      t.within === undefined
        ? { hits: candidates, start: w.start, end: w.end }
        : earliestRun(candidates, w, t.within, t.count);
    if (!run) continue;
    const hits = run.hits;
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
      windowStart: run.start,
      windowEnd: Number.isFinite(run.end) ? run.end : null,
      breachAt: itemAt(hits, t.count - 1).time,
      openedAt: now,
      evidence,
    };
    const depths = hits.map((v) => v.depth).filter((d): d is number => d !== undefined);
    if (depths.length) c.depth = Math.max(...depths);
    out.push(c);
  }
  return out;
}

/**
 * The run that completes first in the world: among runs of `count` violations (times sorted) spanning less than
 * `within` whose earliest member lies in the window's period, the one whose count-th member is earliest (ties: the
 * earliest start). The run's evidence is every candidate in [its start, its start + within).
 */
function earliestRun(
  sorted: readonly Violation[],
  w: BreachWindow,
  within: number,
  count: number,
): { hits: Violation[]; start: number; end: number } | undefined {
  let best: { i: number; completes: number } | undefined;
  for (let i = 0; i + count - 1 < sorted.length; i++) {
    // Checked inline, not with itemAt: this loop runs per violation on the ingest path (docs/architecture.md).
    const a = sorted[i];
    const z = sorted[i + count - 1];
    if (a === undefined || z === undefined) throw new RangeError(`no violation at ${i} or ${i + count - 1}`);
    const first = a.time;
    if (first < w.start) continue;
    if (first >= w.end) break;
    const completes = z.time;
    if (completes - first >= within) continue;
    if (!best || completes < best.completes) best = { i, completes };
  }
  if (!best) return undefined;
  const start = itemAt(sorted, best.i).time;
  return { hits: sorted.filter((v, j) => j >= best.i && v.time < start + within), start, end: start + within };
}
