/**
 * The daily report (docs/operations/report.md), what a monitoring mission publishes every morning: violations by
 * type and region with the change from the previous day and the 7-day mean, heavy weapons in violation by class and
 * zone, denials of access and jamming as findings, cases with their clocks, votes pending by member, response tasks
 * by responder, sustainment alerts, and the log checkpoint it was computed at.
 *
 * A pure function of the records with event times before the cut-off (and case files read as they stood at the
 * cut-off, from the instants they carry) and the checkpoint it is given: the same records in any order, from any
 * batch cuts, give the same report, byte for byte. Every list is sorted on a key of its own; no processing time
 * (`detectedAt`) is read.
 */
import type { SustainmentAlert as LedgerAlert } from '../ledger/alerts.js';
import type { CaseFile } from '../ops/casework.js';
import type { ResponseTask } from '../ops/response.js';
import type { Violation } from '../ops/violation.js';
import type { Role } from '../ports/store.js';
import type { Package } from '../spec/schema.js';
import { DAY } from '../spec/units.js';
import { accessActivities } from '../spec/vocabulary.js';
import type { ReportWindow } from './window.js';
import { itemAt, present } from '../item-at.js';

/** The sections a report can hold, in the order it shows them (the checkpoint is always there). */
export const reportSections = [
  'violations',
  'heavy-weapons',
  'access',
  'cases',
  'votes',
  'responses',
  'sustainment',
] as const;
export type ReportSection = (typeof reportSections)[number];

/**
 * Who may see which section, following the routes' access (docs/api.md): members read findings and cases; a
 * guarantor reads cases (its judgment clocks and its tasks), not findings; the public gets the public variant.
 */
export const sectionAccess: Readonly<Record<Role | 'mission' | 'public', readonly ReportSection[]>> = {
  analyst: reportSections,
  admin: reportSections,
  member: reportSections,
  guarantor: ['cases', 'votes', 'responses', 'sustainment'],
  // A monitor key only submits, unless bound to the mission: the mission's duty officer reads what it works on.
  monitor: [],
  mission: reportSections,
  // A party requests inspections; it reads the public variant like anyone.
  party: [],
  // An auditor re-verifies the log (docs/tlog.md); the report is not its business.
  auditor: [],
  public: ['violations', 'cases', 'responses'],
};

/** Days of history behind the charts. */
export const chartDays = 30;
/** The window the report reads: the chart's days, ending at the cut-off. */
export const historyMs = chartDays * DAY;

export const NO_REGION = '(none)';
export const NO_ZONE = '(none)';

/** What the report needs of the package: names and the clauses it groups by. */
export interface ReportPackage {
  id: string;
  version: string;
  title: string;
  effective: number;
  actors: Readonly<Record<string, { name: string; role: string }>>;
  /** Region code -> name, from the regions layer. */
  regions: Readonly<Record<string, string>>;
  /** Prohibitions that name weapon classes: the withdrawal clauses "heavy weapons in violation" reads. */
  weaponClauses: Readonly<Record<string, readonly string[]>>;
}

export function reportPackage(pkg: Package, regionNames: ReadonlyMap<string, string>): ReportPackage {
  const actors: Record<string, { name: string; role: string }> = {};
  for (const [id, a] of Object.entries(pkg.actors)) actors[id] = { name: a.name ?? id, role: a.role };
  const weaponClauses: Record<string, string[]> = {};
  for (const [id, p] of Object.entries(pkg.prohibitions)) if (p.weapons?.length) weaponClauses[id] = [...p.weapons];
  return {
    id: pkg.package,
    version: pkg.version ?? '',
    title: pkg.title ?? pkg.package,
    effective: pkg.effective.start,
    actors,
    regions: Object.fromEntries([...regionNames].sort(([a], [b]) => cmp(a, b))),
    weaponClauses,
  };
}

/** The log checkpoint the report was computed at. */
export interface ReportCheckpoint {
  origin: string;
  size: number;
  /** Root hash, base64 (as in the signed note) and hex. */
  root: string;
  rootHex: string;
  /** Signing time, ISO 8601. */
  time: string;
  /** Witnesses that cosigned this checkpoint, by name, sorted. */
  witnesses: string[];
}

/**
 * The sustainment ledger's decay alerts (issue 17, `core/ledger/alerts.ts`), every one stored: the report lists those
 * raised before the cut-off and not resolved before it. `no-ledger` from a source that keeps none.
 */
export type SustainmentInput = { status: 'no-ledger' } | { status: 'ledger'; alerts: readonly LedgerAlert[] };

export interface SustainmentRow {
  key: string;
  kind: string;
  requirement: string;
  guarantor: string | null;
  /** YYYY-MM: the month the shortfall starts. */
  month: string;
  size: number;
  unit: string;
  message: string;
  raisedAt: string;
  /** At the cut-off. */
  state: 'open' | 'acknowledged';
}

export interface ReportInput {
  pkg: ReportPackage;
  window: ReportWindow;
  /** Violations (latest revisions); those active with event time in the chart's days count, the rest are ignored. */
  violations: Iterable<Violation>;
  /** Case files; each is read as it stood at the cut-off. */
  cases: Iterable<CaseFile>;
  checkpoint: ReportCheckpoint | null;
  sustainment: SustainmentInput;
  /** Sections to include; default every section. */
  sections?: readonly ReportSection[];
  /** The public variant: counts and declared outcomes only, nothing on sources, attribution, votes or positions. */
  public?: boolean;
}

export interface CountRow {
  key: string;
  label: string;
  /** Incidents in violation on the day. */
  count: number;
  previous: number;
  /** count - previous. */
  delta: number;
  /** Mean over the 7 days before the day, to 2 decimals. */
  mean7: number;
  deltaMean7: number;
}

export interface MapPoint {
  incident: string;
  activity: string;
  lon: number;
  lat: number;
  radius: number;
  party?: string;
}

export interface ViolationSection {
  /** Incidents in violation (an incident that breaks two clauses counts once). */
  total: CountRow;
  byType: CountRow[];
  byRegion: CountRow[];
  /** Violation records per prohibition (one per incident and clause). */
  byProhibition?: CountRow[];
  byParty?: CountRow[];
  /** Incidents in violation per day, the chart's days oldest first. */
  daily: { date: string; count: number }[];
  /** The same per type (the types of `byType`), aligned with `daily`. */
  dailyByType: { key: string; counts: number[] }[];
  /** Located incidents of the day, for the map. */
  points?: MapPoint[];
}

export interface HeavyWeaponRow {
  weapon: string;
  zone: string;
  count: number;
}

export interface HeavyWeaponsSection {
  total: number;
  previous: number;
  byClassAndZone: HeavyWeaponRow[];
  items: {
    violation: string;
    time: string;
    prohibition: string;
    weapons: string[];
    zones: string[];
    party: string;
    region?: string;
  }[];
}

export interface AccessFinding {
  incident: string;
  time: string;
  activity: string;
  prohibitions: string[];
  party: string;
  region?: string;
  zones: string[];
  operators: string[];
  lon?: number;
  lat?: number;
}

export interface AccessSection {
  total: number;
  previous: number;
  findings: AccessFinding[];
}

export interface CaseRow {
  id: string;
  severity: string;
  trigger?: string;
  attributedTo: string[];
  openedAt: string;
  /** At the cut-off. */
  status: 'open' | 'declared' | 'dismissed' | 'lapsed';
  deadline: string | null;
  /** Milliseconds from the cut-off to the deadline (negative: passed); null without a deadline or once decided. */
  timeLeft: number | null;
  tally: { declare: number; dismiss: number; abstain: number };
  decidedAt?: string;
}

export interface CasesSection {
  counts: { new: number; open: number; declared: number; dismissed: number; lapsed: number };
  new: CaseRow[];
  open: CaseRow[];
  declared: CaseRow[];
  dismissed: CaseRow[];
  lapsed: CaseRow[];
}

export interface PublicCasesSection {
  counts: { declared: number };
  declared: { severity: string; declaredAt: string }[];
}

export interface VotesSection {
  /** Open cases each member has not voted on at the cut-off. */
  byMember: { member: string; pending: string[] }[];
}

export interface TaskRow {
  task: string;
  case: string;
  action: string;
  dueAt: string | null;
  deliveredAt?: string;
  late?: boolean;
}

export interface ResponsesSection {
  byActor: { actor: string; role: string; due: TaskRow[]; delivered: TaskRow[]; overdue: TaskRow[] }[];
}

export interface PublicResponsesSection {
  /** Response failures publicly marked by the cut-off. */
  publicMarks: { actor: string; action: string; dueAt: string | null; markedAt: string }[];
}

export interface DailyReport {
  type: 'guarantor/daily-report/v1';
  variant: 'full' | 'public';
  package: { id: string; version: string; title: string };
  date: string;
  window: { start: string; end: string; offset: string; cutoff: string };
  sections: ReportSection[];
  violations?: ViolationSection;
  heavyWeapons?: HeavyWeaponsSection;
  access?: AccessSection;
  cases?: CasesSection | PublicCasesSection;
  votes?: VotesSection;
  responses?: ResponsesSection | PublicResponsesSection;
  sustainment?: { status: 'no-ledger' } | { status: 'ledger'; alerts: SustainmentRow[] };
  checkpoint: ReportCheckpoint | null;
}

const iso = (t: number): string => new Date(t).toISOString();
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const round2 = (x: number): number => Math.round(x * 100) / 100;

/** Per day (0 = the report's day, 1 = the day before, ...) and key: a count (the caller counts each incident once). */
class DayCounts {
  readonly days: Map<string, number>[] = Array.from({ length: chartDays }, () => new Map());

  add(day: number, key: string): void {
    const m = itemAt(this.days, day);
    m.set(key, (m.get(key) ?? 0) + 1);
  }

  count(day: number, key: string): number {
    return itemAt(this.days, day).get(key) ?? 0;
  }

  /** A row per key seen on the day or the 7 before it, most first. */
  rows(label: (key: string) => string): CountRow[] {
    const keys = new Set<string>();
    for (let d = 0; d <= 7; d++) for (const k of itemAt(this.days, d).keys()) keys.add(k);
    return [...keys]
      .map((k) => this.row(k, label(k)))
      .sort((a, b) => b.count - a.count || b.previous - a.previous || cmp(a.key, b.key));
  }

  row(key: string, label: string): CountRow {
    const count = this.count(0, key);
    const previous = this.count(1, key);
    let week = 0;
    for (let d = 1; d <= 7; d++) week += this.count(d, key);
    const mean7 = round2(week / 7);
    return { key, label, count, previous, delta: count - previous, mean7, deltaMean7: round2(count - week / 7) };
  }
}

export function dailyReport(input: ReportInput): DailyReport {
  const { window: w, pkg } = input;
  const pub = input.public === true;
  const want = new Set<ReportSection>(input.sections ?? reportSections);
  const sections = reportSections.filter((s) => want.has(s) && (!pub || sectionAccess.public.includes(s)));
  const has = (s: ReportSection) => sections.includes(s);
  const from = w.end - historyMs;

  const total = new DayCounts();
  const byType = new DayCounts();
  const byRegion = new DayCounts();
  const byProhibition = new DayCounts();
  const byParty = new DayCounts();
  const points = new Map<string, MapPoint>();
  const heavy: HeavyWeaponsSection['items'] = [];
  const heavyCells = new Map<string, Set<string>>();
  let heavyPrevious = 0;
  const access = new Map<string, AccessFinding>();
  const accessPrevious = new Set<string>();

  // Per day: each incident in violation, with the parties already counted for it (an incident has one activity and
  // one place, but each clause it breaks names its own party).
  const seen: Map<string, string | string[]>[] = Array.from({ length: chartDays }, () => new Map());
  for (const v of input.violations) {
    if (v.status !== 'active' || v.time < from || v.time >= w.end) continue;
    const day = Math.floor((w.end - 1 - v.time) / DAY);
    const inc = v.incidentId;
    // The parties counted for it: one (a string) almost always, an array only when its clauses name several.
    const parties = itemAt(seen, day).get(inc);
    if (parties === undefined) {
      itemAt(seen, day).set(inc, v.party);
      total.add(day, 'all');
      byType.add(day, v.activity);
      byRegion.add(day, v.region ?? NO_REGION);
      byParty.add(day, v.party);
    } else if (parties !== v.party && !(Array.isArray(parties) && parties.includes(v.party))) {
      itemAt(seen, day).set(inc, [...(Array.isArray(parties) ? parties : [parties]), v.party]);
      byParty.add(day, v.party);
    }
    byProhibition.add(day, v.prohibition);
    const weapons = pkg.weaponClauses[v.prohibition];
    const isAccess = accessActivities.includes(v.activity);
    if (day === 1) {
      if (weapons) heavyPrevious++;
      if (isAccess) accessPrevious.add(inc);
    }
    if (day !== 0) continue;
    // An incident's clauses may name different parties: the map shows the first in sort order, whatever the input order.
    const pt = points.get(inc);
    if (pt) {
      if (cmp(v.party, present(pt.party, 'party')) < 0) pt.party = v.party;
    } else if (v.lon !== undefined && v.lat !== undefined) {
      points.set(inc, {
        incident: inc,
        activity: v.activity,
        lon: v.lon,
        lat: v.lat,
        radius: v.radius,
        party: v.party,
      });
    }
    if (weapons) {
      const named = v.weapons.filter((x) => weapons.includes(x));
      const zones = v.zones.length ? v.zones : [NO_ZONE];
      for (const c of named.length ? named : v.weapons) {
        for (const z of zones) {
          const k = `${c}\u0000${z}`;
          let s = heavyCells.get(k);
          if (!s) heavyCells.set(k, (s = new Set()));
          s.add(v.id);
        }
      }
      heavy.push({
        violation: v.id,
        time: iso(v.time),
        prohibition: v.prohibition,
        weapons: [...v.weapons].sort(),
        zones: [...v.zones].sort(),
        party: v.party,
        ...(v.region === undefined ? {} : { region: v.region }),
      });
    }
    if (isAccess) {
      const f = access.get(inc);
      if (f) {
        if (!f.prohibitions.includes(v.prohibition)) f.prohibitions = [...f.prohibitions, v.prohibition].sort();
        if (cmp(v.party, f.party) < 0) f.party = v.party;
        f.zones = [...new Set([...f.zones, ...v.zones])].sort();
      } else {
        access.set(inc, {
          incident: inc,
          time: iso(v.time),
          activity: v.activity,
          prohibitions: [v.prohibition],
          party: v.party,
          ...(v.region === undefined ? {} : { region: v.region }),
          zones: [...v.zones].sort(),
          operators: [...v.operators].sort(),
          ...(v.lon === undefined ? {} : { lon: v.lon, lat: present(v.lat, 'lat') }),
        });
      }
    }
  }

  const report: DailyReport = {
    type: 'guarantor/daily-report/v1',
    variant: pub ? 'public' : 'full',
    package: { id: pkg.id, version: pkg.version, title: pkg.title },
    date: w.date,
    window: { start: iso(w.start), end: iso(w.end), offset: w.offset, cutoff: w.cutoff },
    sections,
    checkpoint: input.checkpoint,
  };

  if (has('violations')) {
    const daily: { date: string; count: number }[] = [];
    for (let d = chartDays - 1; d >= 0; d--) daily.push({ date: dayLabel(w, d), count: total.count(d, 'all') });
    const types = byType.rows((k) => k);
    const section: ViolationSection = {
      total: total.row('all', 'incidents in violation'),
      byType: types,
      byRegion: byRegion.rows((k) => pkg.regions[k] ?? (k === NO_REGION ? 'outside the regions layer' : k)),
      daily,
      dailyByType: types.map((t) => ({
        key: t.key,
        counts: Array.from({ length: chartDays }, (_, i) => byType.count(chartDays - 1 - i, t.key)),
      })),
    };
    if (!pub) {
      section.byProhibition = byProhibition.rows((k) => k);
      section.byParty = byParty.rows((k) => pkg.actors[k]?.name ?? k);
      section.points = [...points.values()].sort((a, b) => cmp(a.incident, b.incident));
    }
    report.violations = section;
  }

  if (has('heavy-weapons')) {
    report.heavyWeapons = {
      total: heavy.length,
      previous: heavyPrevious,
      byClassAndZone: [...heavyCells]
        .map(([k, s]) => {
          const [weapon, zone] = k.split('\u0000') as [string, string];
          return { weapon, zone, count: s.size };
        })
        .sort((a, b) => b.count - a.count || cmp(a.weapon, b.weapon) || cmp(a.zone, b.zone)),
      items: heavy.sort((a, b) => cmp(a.time, b.time) || cmp(a.violation, b.violation)),
    };
  }

  if (has('access')) {
    report.access = {
      total: access.size,
      previous: accessPrevious.size,
      findings: [...access.values()].sort((a, b) => cmp(a.time, b.time) || cmp(a.incident, b.incident)),
    };
  }

  const files =
    has('cases') || has('votes') || has('responses')
      ? [...input.cases]
          .filter((f) => f.openedAt < w.end)
          .sort((a, b) => a.openedAt - b.openedAt || cmp(a.caseId, b.caseId))
      : [];
  if (has('cases')) report.cases = pub ? publicCases(files, w) : casesSection(files, w);
  if (has('votes')) report.votes = votesSection(files, w);
  if (has('responses')) report.responses = pub ? publicResponses(files, w) : responsesSection(files, w, pkg);
  if (has('sustainment')) {
    const s = input.sustainment;
    report.sustainment =
      s.status === 'no-ledger'
        ? { status: 'no-ledger' }
        : {
            status: 'ledger',
            alerts: s.alerts
              .filter((a) => a.raisedAt < w.end && !(a.resolvedAt !== undefined && a.resolvedAt < w.end))
              .map((a): SustainmentRow => ({
                key: a.key,
                kind: a.kind,
                requirement: a.requirement,
                guarantor: a.guarantor,
                month: a.month,
                size: a.size,
                unit: a.unit,
                message: a.message,
                raisedAt: iso(a.raisedAt),
                state: a.acknowledgedAt !== undefined && a.acknowledgedAt < w.end ? 'acknowledged' : 'open',
              }))
              .sort((a, b) => cmp(a.month, b.month) || cmp(a.key, b.key)),
          };
  }
  // The checkpoint last, whatever order the sections were filled in.
  const { checkpoint, ...rest } = report;
  return { ...rest, checkpoint };
}

/** The local date of chart day `d` (0 = the report's day). */
function dayLabel(w: ReportWindow, d: number): string {
  const [y, m, day] = w.date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, day - d)).toISOString().slice(0, 10);
}

/** A case's judgment as it stood at the cut-off: the votes cast and the outcome reached before it. */
function atCutoff(f: CaseFile, end: number) {
  const outcome = f.judgment.outcome && f.judgment.outcome.at < end ? f.judgment.outcome : undefined;
  const current = new Map<string, string>();
  for (const v of f.judgment.votes) if (v.at < end) current.set(v.member, v.choice);
  return { outcome, current };
}

type CaseStatus = CaseRow['status'];

function statusOf(outcome: CaseFile['judgment']['outcome'] | undefined): CaseStatus {
  if (!outcome) return 'open';
  if (outcome.effect === 'declare') return 'declared';
  if (outcome.effect === 'dismiss') return 'dismissed';
  return 'lapsed';
}

function caseRow(f: CaseFile, end: number): CaseRow {
  const { outcome, current } = atCutoff(f, end);
  const tally = { declare: 0, dismiss: 0, abstain: 0 };
  for (const c of current.values()) if (c === 'declare' || c === 'dismiss' || c === 'abstain') tally[c]++;
  const status = statusOf(outcome);
  return {
    id: f.caseId,
    severity: f.severity,
    ...(f.trigger === undefined ? {} : { trigger: f.trigger }),
    attributedTo: [...(f.attributedTo ?? [])].sort(),
    openedAt: iso(f.openedAt),
    status,
    deadline: f.judgment.deadline === null ? null : iso(f.judgment.deadline),
    timeLeft: status === 'open' && f.judgment.deadline !== null ? f.judgment.deadline - end : null,
    tally,
    ...(outcome ? { decidedAt: iso(outcome.at) } : {}),
  };
}

function casesSection(files: readonly CaseFile[], w: ReportWindow): CasesSection {
  const out: CasesSection = {
    counts: { new: 0, open: 0, declared: 0, dismissed: 0, lapsed: 0 },
    new: [],
    open: [],
    declared: [],
    dismissed: [],
    lapsed: [],
  };
  for (const f of files) {
    const row = caseRow(f, w.end);
    if (f.openedAt >= w.start) out.new.push(row);
    if (row.status === 'open') out.open.push(row);
    else if (present(f.judgment.outcome, 'outcome').at >= w.start) out[row.status].push(row);
  }
  // Open cases: the soonest deadline first (no deadline last).
  out.open.sort(
    (a, b) => (a.timeLeft ?? Infinity) - (b.timeLeft ?? Infinity) || cmp(a.openedAt, b.openedAt) || cmp(a.id, b.id),
  );
  for (const k of ['new', 'open', 'declared', 'dismissed', 'lapsed'] as const) out.counts[k] = out[k].length;
  return out;
}

function publicCases(files: readonly CaseFile[], w: ReportWindow): PublicCasesSection {
  const declared: PublicCasesSection['declared'] = [];
  for (const f of files) {
    const { outcome } = atCutoff(f, w.end);
    if (outcome && outcome.effect === 'declare' && outcome.at >= w.start)
      declared.push({ severity: f.severity, declaredAt: iso(outcome.at) });
  }
  declared.sort((a, b) => cmp(a.declaredAt, b.declaredAt) || cmp(a.severity, b.severity));
  return { counts: { declared: declared.length }, declared };
}

function votesSection(files: readonly CaseFile[], w: ReportWindow): VotesSection {
  const pending = new Map<string, string[]>();
  for (const f of files) {
    const { outcome, current } = atCutoff(f, w.end);
    if (outcome) continue;
    const j = f.judgment;
    for (const m of [...j.electorate, ...(j.casting === undefined ? [] : [j.casting])]) {
      if (current.has(m)) continue;
      let l = pending.get(m);
      if (!l) pending.set(m, (l = []));
      l.push(f.caseId);
    }
  }
  return {
    byMember: [...pending]
      .map(([member, l]) => ({ member, pending: l.sort() }))
      .sort((a, b) => b.pending.length - a.pending.length || cmp(a.member, b.member)),
  };
}

function taskRow(t: ResponseTask, end: number): TaskRow {
  const at = t.deliveredAt !== undefined && t.deliveredAt < end ? t.deliveredAt : undefined;
  return {
    task: t.id,
    case: t.caseId,
    action: t.action,
    dueAt: t.dueAt === null ? null : iso(t.dueAt),
    ...(at !== undefined ? { deliveredAt: iso(at), late: t.dueAt !== null && at > t.dueAt } : {}),
  };
}

function responsesSection(files: readonly CaseFile[], w: ReportWindow, pkg: ReportPackage): ResponsesSection {
  const by = new Map<string, { due: TaskRow[]; delivered: TaskRow[]; overdue: TaskRow[] }>();
  for (const f of files) {
    for (const t of f.tasks) {
      if (t.declaredAt >= w.end) continue;
      const at = t.deliveredAt;
      let kind: 'due' | 'delivered' | 'overdue' | undefined;
      if (at !== undefined && at < w.end) kind = at >= w.start ? 'delivered' : undefined;
      else kind = t.dueAt !== null && t.dueAt <= w.end ? 'overdue' : 'due';
      if (!kind) continue;
      let a = by.get(t.actor);
      if (!a) by.set(t.actor, (a = { due: [], delivered: [], overdue: [] }));
      a[kind].push(taskRow(t, w.end));
    }
  }
  const order = (a: TaskRow, b: TaskRow) => cmp(a.dueAt ?? '~', b.dueAt ?? '~') || cmp(a.task, b.task);
  return {
    byActor: [...by]
      .map(([actor, a]) => ({
        actor,
        role: pkg.actors[actor]?.role ?? '',
        due: a.due.sort(order),
        delivered: a.delivered.sort(order),
        overdue: a.overdue.sort(order),
      }))
      .sort((a, b) => b.overdue.length - a.overdue.length || cmp(a.actor, b.actor)),
  };
}

function publicResponses(files: readonly CaseFile[], w: ReportWindow): PublicResponsesSection {
  const marks: PublicResponsesSection['publicMarks'] = [];
  for (const f of files) {
    for (const t of f.tasks) {
      if (t.publicMarkAt !== undefined && t.publicMarkAt < w.end)
        marks.push({
          actor: t.actor,
          action: t.action,
          dueAt: t.dueAt === null ? null : iso(t.dueAt),
          markedAt: iso(t.publicMarkAt),
        });
    }
  }
  return {
    publicMarks: marks.sort((a, b) => cmp(a.markedAt, b.markedAt) || cmp(a.actor, b.actor) || cmp(a.action, b.action)),
  };
}

/** The report as JSON text: two-space indentation, a final newline. */
export function renderReportJson(r: DailyReport): string {
  return JSON.stringify(r, null, 2) + '\n';
}
