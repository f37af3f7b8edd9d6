/**
 * The public's status of each place the package names (docs/operations/public.md): per region, per zone and per
 * crossing point or corridor, one plain state derived from live cases and the violations of a window, and a compact
 * string of one character per region for low-bandwidth clients. Only states, counts and times leave this module:
 * no source, attribution, incident or vote.
 */
import type { CaseFile } from '../ops/casework.js';
import type { CrossingPlan, CrossingState } from './crossings.js';
import { crossingStates } from './crossings.js';
import { ActiveViolations, type StatusViolation, type ViolationCounts } from './active-violations.js';

export type { StatusViolation } from './active-violations.js';

/** Least to most serious; the compact string writes a region's index in this list. */
export const areaStates = ['calm', 'violations', 'case', 'breach', 'response'] as const;
export type AreaState = (typeof areaStates)[number];

/** What a case is, publicly: live phases mark the regions of its evidence; ended ones no longer do. */
export type CasePhase = 'open' | 'declared' | 'response' | 'resolved' | 'dismissed' | 'lapsed';
export const livePhases: readonly CasePhase[] = ['open', 'declared', 'response'];

/**
 * A case's public phase: `open` under judgment, `declared` once the body (or its deadline default) declares,
 * `response` once any response task has been acknowledged or delivered, `resolved` once every task is delivered;
 * `dismissed`, or `lapsed` when the deadline passed with no decision and no default.
 */
export function casePhase(file: CaseFile): CasePhase {
  const o = file.judgment.outcome;
  if (!o) return 'open';
  if (o.effect === 'dismiss') return 'dismissed';
  if (o.effect === 'none') return 'lapsed';
  const tasks = file.tasks;
  if (tasks.length > 0 && tasks.every((t) => t.status === 'delivered')) return 'resolved';
  if (tasks.some((t) => t.status !== 'open')) return 'response';
  return 'declared';
}

const phaseState: Partial<Record<CasePhase, AreaState>> = { open: 'case', declared: 'breach', response: 'response' };

export interface AreaStatus {
  /** Region code, zone id or crossing id. */
  code: string;
  name: string;
  state: AreaState;
  /** When the state last changed (epoch ms). */
  since: number;
  /** Active violations located here within the window. */
  violations: number;
  lastViolation?: number;
  /** Live cases whose evidence lies here. */
  cases: number;
}

export interface CrossingStatus {
  code: string;
  name: string;
  kind: 'checkpoint' | 'corridor';
  state: CrossingState;
  since: number;
  /** `authority` when the last change was an authorised actor's setting, `violations` when derived. */
  cause: 'authority' | 'violations' | 'package';
  /** The actor who set it, when set. */
  by?: string;
  reason?: string;
  violations: number;
}

export interface PublicStatus {
  time: number;
  /** The window, ms, over which violations count. */
  window: number;
  regions: AreaStatus[];
  zones: AreaStatus[];
  crossings: CrossingStatus[];
  /** One character per region, in `regions` order (by code): the index of its state in `areaStates`. */
  compact: string;
  /**
   * The sustainment ledger's coverage this month across requirements (0..1, and how many fall short), when the
   * package has requirements: aggregate only, no guarantor named.
   */
  sustainment?: { month: string; coverage: number; short: number };
}

export interface LiveCase {
  caseId: string;
  phase: CasePhase;
  regions: readonly string[];
  zones: readonly string[];
}

export interface CrossingSetting {
  crossing: string;
  state: CrossingState;
  at: number;
  by: string;
  reason?: string;
}

export interface StatusInput {
  now: number;
  window: number;
  regions: readonly { code: string; name: string }[];
  zones: readonly { code: string; name: string }[];
  crossings: readonly CrossingPlan[];
  /**
   * Active violations with time >= now - window (older ones are ignored): a list, or an index kept up to date
   * (active-violations.ts) holding at least those of the longest window.
   */
  violations: readonly StatusViolation[] | ViolationCounts;
  cases: readonly LiveCase[];
  settings: ReadonlyMap<string, CrossingSetting>;
  /** The last published state and its time, keyed `region:CODE`, `zone:ID`, `crossing:ID`. */
  previous: ReadonlyMap<string, { state: string; since: number }>;
}

const rank = (s: AreaState) => areaStates.indexOf(s);

export function areaKey(kind: 'region' | 'zone' | 'crossing', code: string): string {
  return `${kind}:${code}`;
}

/** Each place's state: the most serious that applies (the order of `areaStates`). */
export function publicStatus(input: StatusInput): PublicStatus {
  const from = input.now - input.window;
  const make = (kind: 'region' | 'zone', a: { code: string; name: string }): [string, AreaStatus] => [
    a.code,
    { code: a.code, name: a.name, state: 'calm', since: 0, violations: 0, cases: 0 },
  ];
  const regions = new Map(input.regions.map((r) => make('region', r)));
  const zones = new Map(input.zones.map((z) => make('zone', z)));
  const raise = (s: AreaStatus | undefined, state: AreaState) => {
    if (s && rank(state) > rank(s.state)) s.state = state;
  };
  const counts = violationCounts(input);
  const count = (s: AreaStatus, c: { n: number; last?: number }) => {
    if (!c.n) return;
    s.violations = c.n;
    if (c.last !== undefined) s.lastViolation = c.last;
    raise(s, 'violations');
  };
  for (const r of regions.values()) count(r, counts.region(r.code, from, input.now));
  for (const z of zones.values()) count(z, counts.zone(z.code, from, input.now));
  for (const c of input.cases) {
    const state = phaseState[c.phase];
    if (!state) continue;
    for (const r of c.regions) {
      const s = regions.get(r);
      if (s) s.cases++;
      raise(s, state);
    }
    for (const z of c.zones) {
      const s = zones.get(z);
      if (s) s.cases++;
      raise(s, state);
    }
  }
  const since = (key: string, state: string) => {
    const p = input.previous.get(key);
    return p && p.state === state ? p.since : input.now;
  };
  const regionList = [...regions.values()].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  for (const r of regionList) r.since = since(areaKey('region', r.code), r.state);
  const zoneList = [...zones.values()].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  for (const z of zoneList) z.since = since(areaKey('zone', z.code), z.state);
  const crossings = input.crossings.map((c) => crossingStatus(c, input, counts, since));
  return {
    time: input.now,
    window: input.window,
    regions: regionList,
    zones: zoneList,
    crossings,
    compact: regionList.map((r) => String(rank(r.state))).join(''),
  };
}

function violationCounts(input: StatusInput): ViolationCounts {
  const v = input.violations;
  if (!Array.isArray(v)) return v as ViolationCounts;
  return ActiveViolations.of(
    v as readonly StatusViolation[],
    input.crossings.map((c) => c.zone),
  );
}

/**
 * A crossing's state: the authority's last setting (open when none), made more restrictive by the violations in its
 * zone since that setting and within its own window: `restrict-after` of them restrict it, `close-after` close it.
 * So an authority that reopens a crossing is overruled only by violations after it did.
 */
function crossingStatus(
  c: CrossingPlan,
  input: StatusInput,
  counts: ViolationCounts,
  since: (key: string, state: string) => number,
): CrossingStatus {
  const setting = input.settings.get(c.id);
  const from = Math.max(input.now - c.window, setting ? setting.at + 1 : -Infinity);
  const n = counts.crossing(c.zone, from, input.now).n;
  const derived: CrossingState = n >= c.closeAfter ? 'closed' : n >= c.restrictAfter ? 'restricted' : 'open';
  const base: CrossingState = setting?.state ?? 'open';
  const byViolations = crossingStates.indexOf(derived) > crossingStates.indexOf(base);
  const state = byViolations ? derived : base;
  const out: CrossingStatus = {
    code: c.id,
    name: c.name,
    kind: c.kind,
    state,
    since: since(areaKey('crossing', c.id), state),
    cause: byViolations ? 'violations' : setting ? 'authority' : 'package',
    violations: n,
  };
  if (!byViolations && setting) {
    out.by = setting.by;
    if (setting.reason !== undefined) out.reason = setting.reason;
  }
  return out;
}

/** The places whose state differs from the last published one (new places count as changed). */
export function statusChanges(status: PublicStatus, previous: ReadonlyMap<string, { state: string; since: number }>) {
  const out: { key: string; kind: 'region' | 'zone' | 'crossing'; area: AreaStatus | CrossingStatus; from?: string }[] =
    [];
  const check = (kind: 'region' | 'zone' | 'crossing', a: AreaStatus | CrossingStatus) => {
    const key = areaKey(kind, a.code);
    const p = previous.get(key);
    if (!p || p.state !== a.state) out.push({ key, kind, area: a, ...(p ? { from: p.state } : {}) });
  };
  for (const r of status.regions) check('region', r);
  for (const z of status.zones) check('zone', z);
  for (const c of status.crossings) check('crossing', c);
  return out;
}
