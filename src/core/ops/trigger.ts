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
import type { Violation } from './violation.js';
import type { CaseOpening, EvidenceLink } from './case-opening.js';
import { itemAt } from '../item-at.js';

export type { CaseOpening, EvidenceLink } from './case-opening.js';

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

/** The windows a batch's changes touch, with the changes that touch each. */
interface Touch {
  w: BreachWindow;
  /** A qualifying violation in it: the window may open a case. */
  qualifying: boolean;
  changes: Violation[];
  /** Former states of violations that moved out (another party or time). */
  moved: Violation[];
}

/** What case changes read from the store: the part of `OpsReader` (ports/ops-reader.ts) about cases. */
export interface CaseReader {
  existingCases(keys: readonly string[]): ReadonlyMap<string, CaseOpening> | Promise<ReadonlyMap<string, CaseOpening>>;
  findViolations(queries: readonly ViolationQuery[]): Violation[] | Promise<Violation[]>;
}

export interface CaseChanges {
  openings: CaseOpening[];
  revisions: CaseOpening[];
}

/**
 * Cases opened and revised by a batch's violation changes. A case's content (`windowStart`, `windowEnd`, `breachAt`,
 * `evidence`, `depth`) is a function of the qualifying violations of its window known so far (`caseContent`): a case
 * opens when its window first holds a run, and each later batch that changes the content writes a revision (its
 * `openedAt`, and so the judgment clock, kept). A change that can only extend an open case (a qualifying violation
 * after its breach, inside its window) extends it from the case as stored; any other change to an open case's
 * window (one of its violations revised or withdrawn, one before its breach) reads the window again.
 */
export async function caseChanges(
  model: OpsModel,
  changes: readonly Violation[],
  moved: readonly Violation[],
  reader: CaseReader,
  now: number,
): Promise<CaseChanges> {
  const touches = new Map<string, Touch>();
  const touch = (v: Violation, kind: 'change' | 'moved') => {
    for (const t of model.triggersOn.get(v.prohibition) ?? []) {
      const q = kind === 'change' && qualifies(t, v);
      for (const w of windowsFor(model, t, v)) {
        let e = touches.get(w.key);
        if (!e) touches.set(w.key, (e = { w, qualifying: false, changes: [], moved: [] }));
        if (q) e.qualifying = true;
        (kind === 'change' ? e.changes : e.moved).push(v);
      }
    }
  };
  for (const v of changes) touch(v, 'change');
  for (const v of moved) touch(v, 'moved');
  const out: CaseChanges = { openings: [], revisions: [] };
  if (touches.size === 0) return out;
  const list = [...touches.values()].sort((a, b) => (a.w.key < b.w.key ? -1 : a.w.key > b.w.key ? 1 : 0));
  const existing = await reader.existingCases(list.map((e) => e.w.key));
  const read: Touch[] = [];
  for (const e of list) {
    const c = existing.get(e.w.key);
    if (!c) {
      if (e.qualifying) read.push(e);
      continue;
    }
    const effect = effectOn(c, e);
    if (effect === 'read') read.push(e);
    else if (effect.length) {
      const next = extended(c, effect, e.w.trigger.count);
      if (!sameContent(c, next)) out.revisions.push(revised(c, next, now));
    }
  }
  if (read.length === 0) return out;
  for (const { w, content } of await readWindows(read, changes, existing, reader)) {
    const c = existing.get(w.key);
    if (!c) {
      if (content.run)
        out.openings.push({
          id: caseId(w.key),
          key: w.key,
          trigger: w.trigger.id,
          severity: w.trigger.severity,
          party: w.party,
          ...content.run,
          openedAt: now,
          revision: 1,
        });
      continue;
    }
    const next = content.run ?? lapsedContent(c, content.candidates, w.trigger.count);
    if (!sameContent(c, next)) out.revisions.push(revised(c, next, now));
  }
  return out;
}

/** What a window's read settled: its run's content, or none and every qualifying violation of the window. */
interface Settled {
  run: CaseContent | undefined;
  candidates: Violation[];
}

/**
 * Reads the windows a batch must decide again, from their start on, a slice at a time, until each one's content is
 * settled: the earliest run found and its evidence complete, or the whole window read. A window's content depends only
 * on its earliest run and the first `max(count, 50)` violations from that run's start, so in a dense window the read
 * stops near its start, whatever the window holds after that: reading a 24-hour window whole cost a batch of the
 * messy feed (issue 22) more the more violations there were, 1,600 rows a read after 160,000 observations.
 * The first slice reaches just past the case's last evidence (where its content ended), else a quarter of `within`;
 * each next one reads on from where the window is undecided. Each round asks the store once for every window still
 * open.
 */
async function readWindows(
  windows: readonly Touch[],
  changes: readonly Violation[],
  existing: ReadonlyMap<string, CaseOpening>,
  reader: CaseReader,
): Promise<{ w: BreachWindow; content: Settled }[]> {
  // The batch's own changes stand over the store's rows (a change may move a violation out of where its row is).
  const changed = new Map<string, Violation>();
  for (const v of changes) changed.set(v.id, v);
  const open = windows.map(({ w }) => {
    const c = existing.get(w.key);
    const last = c && c.evidence.length >= evidenceLimit(w.trigger.count) ? c.evidence.at(-1) : undefined;
    const within = w.trigger.within;
    // Without `within` (count over the package's life) the window is read whole, as is one no longer than a slice.
    const first =
      within === undefined
        ? w.reach
        : last !== undefined
          ? last.time + Math.max(1, (last.time - w.start) / 4)
          : w.start + within / 4;
    return { w, from: w.start, through: Math.min(w.reach, first), rows: new Map<string, Violation>() };
  });
  const done: { w: BreachWindow; content: Settled }[] = [];
  let pending = open;
  while (pending.length) {
    // A window of one violation (no `count`, no `within`) reads nothing: the batch's change is all it holds.
    const asking = pending.filter((r) => r.w.trigger.count > 1 || r.w.trigger.within !== undefined);
    const queries = asking.map((r) => ({
      prohibitions: r.w.trigger.on,
      party: r.w.party,
      from: r.from,
      to: r.through,
    }));
    const byParty = new Map<string, Violation[]>();
    for (const v of queries.length ? await reader.findViolations(queries) : []) {
      let l = byParty.get(v.party);
      if (!l) byParty.set(v.party, (l = []));
      l.push(v);
    }
    const next: typeof pending = [];
    for (const r of pending) {
      for (const v of byParty.get(r.w.party) ?? [])
        if (v.time >= r.from && v.time < r.through && r.w.trigger.on.includes(v.prohibition)) r.rows.set(v.id, v);
      const whole = r.through >= r.w.reach;
      const known: Violation[] = [];
      for (const v of r.rows.values()) if (!changed.has(v.id)) known.push(v);
      for (const v of changed.values()) if (v.party === r.w.party && (whole || v.time < r.through)) known.push(v);
      const content = settle(r.w, qualifyingIn(r.w, known), r.through, existing.get(r.w.key));
      if (typeof content !== 'number') {
        done.push({ w: r.w, content });
        continue;
      }
      // Read on from where it is undecided, twice as far as that lies behind and at most to where it is decided, up to
      // the period's end first (a period where no run starts is settled there).
      const within = r.w.trigger.within ?? Infinity;
      const further = Math.min(content + within, r.through + Math.max(2 * (r.through - content), within / 16));
      r.from = r.through;
      r.through = Math.min(r.w.reach, r.through < r.w.end ? Math.min(further, r.w.end) : further);
      next.push(r);
    }
    pending = next;
  }
  return done;
}

/**
 * A window's content from its qualifying violations known so far, every one before `through` (sorted by time, then
 * id), or, when the ones not read yet could change it, the time from which it is undecided. The earliest run is the
 * first start from which `count` violations span less than `within`: a later start completes no sooner.
 */
function settle(w: BreachWindow, sorted: Violation[], through: number, c: CaseOpening | undefined): Settled | number {
  if (through >= w.reach) return { run: caseContent(w, sorted), candidates: sorted };
  const within = w.trigger.within;
  if (within === undefined) return w.start;
  const count = w.trigger.count;
  for (let i = 0; i < sorted.length; i++) {
    const a = itemAt(sorted, i).time;
    if (a < w.start) continue;
    if (a >= w.end) break;
    const z = sorted[i + count - 1];
    if (z === undefined || z.time - a >= within) {
      // Violations not read yet (at or after `through`) may complete a run from here.
      if (a + within > through) return a;
      continue;
    }
    // The earliest run starts at a: its evidence is complete once read through its window or to the limit.
    const inRun = sorted.filter((v, j) => j >= i && v.time < a + within).length;
    if (a + within > through && inRun < evidenceLimit(count)) return a;
    return { run: caseContent(w, sorted), candidates: sorted };
  }
  // No run starts in the period, if all of it is read; a case it had stands, lapsed, with what its window holds.
  if (through < w.end) return w.start;
  if (c && through < (c.windowEnd ?? Infinity)) {
    const held = sorted.filter((v) => v.time >= c.windowStart).length;
    if (held < evidenceLimit(count)) return c.windowStart;
  }
  return { run: undefined, candidates: sorted };
}

/** A case's content: what its window's qualifying violations say. */
export interface CaseContent {
  windowStart: number;
  windowEnd: number | null;
  breachAt: number;
  evidence: EvidenceLink[];
  depth?: number;
  lapsed?: true;
}

/** The window's qualifying violations (of its party), by time then id. */
function qualifyingIn(w: BreachWindow, ofParty: readonly Violation[]): Violation[] {
  const t = w.trigger;
  const on = new Set(t.on);
  const inReach = (v: Violation) =>
    t.count > 1 || t.within !== undefined
      ? v.time >= w.start && v.time < w.reach
      : w.key === `${t.id}|${v.party}|${v.incidentId}`;
  return ofParty
    .filter((v) => on.has(v.prohibition) && inReach(v) && qualifies(t, v))
    .sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * The breach a window holds, from its qualifying violations (sorted by time, then id), or undefined: a pure
 * function of that set, so every batch cut and arrival order gives the same case.
 */
export function caseContent(w: BreachWindow, sorted: readonly Violation[]): CaseContent | undefined {
  const t = w.trigger;
  if (sorted.length < t.count) return undefined;
  const run =
    t.within === undefined ? { hits: sorted, start: w.start, end: w.end } : earliestRun(sorted, w, t.within, t.count);
  if (!run) return undefined;
  const c: CaseContent = {
    windowStart: run.start,
    windowEnd: Number.isFinite(run.end) ? run.end : null,
    breachAt: itemAt(run.hits, t.count - 1).time,
    evidence: run.hits.slice(0, evidenceLimit(t.count)).map(link),
  };
  const depth = deepest(c.evidence);
  if (depth !== undefined) c.depth = depth;
  return c;
}

/**
 * A case lists the first `max(count, 50)` qualifying violations of its run, by time: enough to judge the breach,
 * and a bound on what a case weighs, so that a sustained campaign's later violations, once the list is full, neither
 * rewrite nor re-log the case at every batch (each revision is a full document). The window's other violations are
 * in the violations list (`GET /v1/violations` by party and time).
 */
export const evidenceCap = 50;
const evidenceLimit = (count: number) => Math.max(count, evidenceCap);

function link(v: Violation): EvidenceLink {
  const l: EvidenceLink = {
    violation: v.id,
    incident: v.incidentId,
    prohibition: v.prohibition,
    time: v.time,
    confidence: v.confidence,
    corroboration: v.corroboration,
    observations: v.observations,
  };
  if (v.depth !== undefined) l.depth = v.depth;
  return l;
}

function deepest(evidence: readonly EvidenceLink[]): number | undefined {
  let d: number | undefined;
  for (const e of evidence) if (e.depth !== undefined && (d === undefined || e.depth > d)) d = e.depth;
  return d;
}

/**
 * A case whose window no longer holds a run (its violations withdrawn, or moved to another party): it stands, since
 * judgment may be under way, with its window and breach time as last known and the evidence that remains in it.
 */
function lapsedContent(c: CaseOpening, candidates: readonly Violation[], count: number): CaseContent {
  const end = c.windowEnd ?? Infinity;
  const evidence = candidates
    .filter((v) => v.time >= c.windowStart && v.time < end)
    .slice(0, evidenceLimit(count))
    .map(link);
  const out: CaseContent = { windowStart: c.windowStart, windowEnd: c.windowEnd, breachAt: c.breachAt, evidence };
  const depth = deepest(evidence);
  if (depth !== undefined) out.depth = depth;
  out.lapsed = true;
  return out;
}

/**
 * What a window's changes do to its open case without reading the window: nothing, extend it with these
 * violations (qualifying, new to it, after its breach and inside its window: the run stays the earliest and they
 * join its evidence), or 'read' (anything else).
 */
function effectOn(c: CaseOpening, e: Touch): Violation[] | 'read' {
  if (c.lapsed) return 'read';
  const held = new Set(c.evidence.map((l) => l.violation));
  for (const m of e.moved) if (held.has(m.id)) return 'read';
  const end = c.windowEnd ?? Infinity;
  const adds: Violation[] = [];
  for (const v of e.changes) {
    if (held.has(v.id)) return 'read';
    if (v.party !== e.w.party || !e.w.trigger.on.includes(v.prohibition) || !qualifies(e.w.trigger, v)) continue;
    if (v.time <= c.breachAt) return 'read';
    if (v.time >= c.windowStart && v.time < end) adds.push(v);
  }
  return adds;
}

function extended(c: CaseOpening, adds: readonly Violation[], count: number): CaseContent {
  const evidence = [...c.evidence, ...adds.map(link)]
    .sort((a, b) => a.time - b.time || (a.violation < b.violation ? -1 : a.violation > b.violation ? 1 : 0))
    .slice(0, evidenceLimit(count));
  const out: CaseContent = { windowStart: c.windowStart, windowEnd: c.windowEnd, breachAt: c.breachAt, evidence };
  const depth = deepest(evidence);
  if (depth !== undefined) out.depth = depth;
  return out;
}

function sameContent(c: CaseOpening, n: CaseContent): boolean {
  if (
    c.windowStart !== n.windowStart ||
    c.windowEnd !== n.windowEnd ||
    c.breachAt !== n.breachAt ||
    c.depth !== n.depth ||
    (c.lapsed ?? false) !== (n.lapsed ?? false) ||
    c.evidence.length !== n.evidence.length
  )
    return false;
  // Field by field: this runs for every open case a batch touches, and JSON.stringify of both lists cost 5% of it.
  for (let i = 0; i < c.evidence.length; i++) {
    const a = itemAt(c.evidence, i);
    const b = itemAt(n.evidence, i);
    if (
      a.violation !== b.violation ||
      a.incident !== b.incident ||
      a.prohibition !== b.prohibition ||
      a.time !== b.time ||
      a.confidence !== b.confidence ||
      a.corroboration !== b.corroboration ||
      a.depth !== b.depth ||
      a.observations.length !== b.observations.length
    )
      return false;
    for (let j = 0; j < a.observations.length; j++) {
      const x = itemAt(a.observations, j);
      const y = itemAt(b.observations, j);
      if (x.source !== y.source || x.sourceId !== y.sourceId) return false;
    }
  }
  return true;
}

/** The case's next revision: new content, the same identity and `openedAt` (the judgment clock runs from it). */
function revised(c: CaseOpening, n: CaseContent, now: number): CaseOpening {
  const out: CaseOpening = {
    id: c.id,
    key: c.key,
    trigger: c.trigger,
    severity: c.severity,
    party: c.party,
    ...n,
    openedAt: c.openedAt,
    revision: (c.revision ?? 1) + 1,
    revisedAt: now,
  };
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
