/**
 * The projector (docs/operations/public.md): turns what the store committed into the public face. Each pass reads
 * the transparency log after its cursor (violations and case events), fires due case timers, works out each
 * touched case's public phase and the next CAP message of its chain, recomputes every place's status over the
 * window, and commits the new events, status, CAP messages and cursor at once. One server projects at a time; a
 * pass that finds the cursor moved under it commits nothing, so nothing is published twice.
 */
import {
  casePhase,
  livePhases,
  publicStatus,
  statusChanges,
  type LiveCase,
  type PublicStatus,
} from '../../core/public/area-status.js';
import { ActiveViolations } from '../../core/public/active-violations.js';
import { capXml, nextCapMessage, type CapArea, type CapContext, type CapMessage } from '../../core/public/cap.js';
import { capPolygons } from '../../core/public/cap-area.js';
import { crossingPlans, type CrossingPlan } from '../../core/public/crossings.js';
import { isInspection, type Clock } from '../../core/ops/index.js';
import type { CaseFile, Violation } from '../../core/ops/index.js';
import type { NewFeedEvent, ProjectionCommit, PublicStore, PublishedArea } from '../../core/ports/public.js';
import type { Store } from '../../core/ports/store.js';
import type { LoadedPackage } from '../../core/spec/load.js';
import type { Package } from '../../core/spec/schema.js';
import { DAY } from '../../core/spec/units.js';
import type { CaseworkService } from '../casework.js';
import { itemAt } from '../../core/item-at.js';

export interface ProjectorOptions {
  /** How long a violation keeps its region `violations` (ms); default 7 days. */
  window?: number;
  /** CAP `sender`; default `guarantor@<package>`. */
  capSender?: string;
  /** CAP `web`: where the public reads more. */
  capWeb?: string;
  /** Wall ms between status computations while violations keep arriving; default 1000 (0 in tests). */
  statusEvery?: number;
  /** The sustainment ledger's aggregate coverage of the current month (set by the routes when the ledger exists). */
  coverage?: () => Promise<{ month: string; coverage: number; short: number } | undefined>;
}

export const defaultStatusWindow = 7 * DAY;
const PAGE = 5000;
/** Cases read per statement (and looked at between turns of the event loop) in a pass. */
const CHUNK = 250;
/** ms: the longest a place's state may lag the end of a window. */
const statusEvery = 5000;

/** What a pass reads of a case it looks at. */
interface CaseRead {
  file: CaseFile;
  where: { regions: string[]; zones: string[] };
  chain: CapMessage[];
}

interface RegionShape {
  code: string;
  name: string;
  geometry?: { type: string; coordinates: unknown };
}

/** The package's regions layer: codes, names and outlines. */
export function regionShapes(loaded: LoadedPackage | undefined): RegionShape[] {
  const spec = loaded?.model?.regions;
  if (!loaded || !spec) return [];
  const out = new Map<string, RegionShape>();
  for (const f of loaded.geometries.get(spec.geometry)?.geojson?.features ?? []) {
    const code = f.properties?.[spec.code];
    if (typeof code !== 'string' || !code || out.has(code)) continue;
    const name = f.properties?.[spec.name];
    out.set(code, {
      code,
      name: typeof name === 'string' ? name : code,
      ...(f.geometry ? { geometry: f.geometry as RegionShape['geometry'] & object } : {}),
    });
  }
  return [...out.values()].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

/** Zones a violation can be located in: those some prohibition names under `inside`. */
export function watchedZones(pkg: Package): { code: string; name: string }[] {
  const ids = new Set<string>();
  for (const p of Object.values(pkg.prohibitions))
    for (const z of p.inside === undefined ? [] : Array.isArray(p.inside) ? p.inside : [p.inside]) ids.add(z);
  return [...ids].sort().map((code) => ({ code, name: code }));
}

export function violationEvent(v: Violation, at: number): NewFeedEvent {
  return {
    kind: 'violation',
    audience: 'findings',
    at,
    data: {
      id: v.id,
      revision: v.revision,
      status: v.status,
      prohibition: v.prohibition,
      party: v.party,
      activity: v.activity,
      time: v.time,
      region: v.region ?? null,
      zones: v.zones,
      confidence: v.confidence,
      detectedAt: v.detectedAt,
    },
  };
}

export class Projector {
  readonly window: number;
  readonly crossings: CrossingPlan[];
  readonly regions: RegionShape[];
  readonly zones: { code: string; name: string }[];
  readonly #cap: CapContext;
  readonly #capAreas = new Map<string, CapArea>();
  readonly #caseAreas = new Map<string, { regions: string[]; zones: string[] }>();
  #lastStatus: string | undefined;
  #statusAt = -Infinity;
  #statusWall = -Infinity;
  /** Cases in a live phase, as of `#cursor` (the log index this server's last commit followed to). */
  #live: Map<string, LiveCase> | undefined;
  /**
   * The active violations of the longest window, kept from the violations the log names (read at each pass for
   * their events anyway): loaded in full once, then changed only by what the log says changed. Valid with `#live`.
   */
  #active: ActiveViolations | undefined;
  /** The clock when `#active` was last pruned: a clock that went back needs the pruned violations again. */
  #activeAt = -Infinity;
  #cursor: number | undefined;
  /** Wall ms between status computations while inputs keep changing. */
  readonly statusEvery: number;
  #settingsText: string | undefined;

  constructor(
    readonly store: Store,
    readonly ps: PublicStore,
    readonly casework: CaseworkService,
    readonly clock: Clock,
    loaded: LoadedPackage | undefined,
    readonly options: ProjectorOptions = {},
  ) {
    const pkg = casework.pkg;
    this.window = options.window ?? defaultStatusWindow;
    this.statusEvery = options.statusEvery ?? 1000;
    this.crossings = crossingPlans(pkg);
    this.regions = regionShapes(loaded);
    this.zones = watchedZones(pkg);
    this.#cap = {
      sender: options.capSender ?? `guarantor@${pkg.package}`,
      senderName: `Guarantor: ${pkg.title}`,
      packageTitle: pkg.title,
      severities: pkg.severities,
      ...(options.capWeb ? { web: options.capWeb } : {}),
    };
  }

  /** Runs passes until the log is followed to its end; the number of events published. Skips if another server projects. */
  /**
   * A standby server's pass (standby.ts): none while another server projects, seen as the cursor having moved since
   * this server's previous look, so that it does not re-read the live cases the owner keeps; a full pass otherwise.
   */
  async runStandby(): Promise<number> {
    const { cursor } = await this.ps.projectionState();
    const seen = this.#standbySeen;
    this.#standbySeen = cursor;
    return cursor === seen ? this.run() : 0;
  }

  #standbySeen: number | undefined;

  async run(): Promise<number> {
    return (
      (await this.ps.withProjectionLock(async () => {
        let total = 0;
        for (;;) {
          const r = await this.#pass();
          total += r.published;
          if (!r.more) return total;
        }
      })) ?? 0
    );
  }

  #capArea(code: string): CapArea | undefined {
    let a = this.#capAreas.get(code);
    if (!a) {
      const r = this.regions.find((x) => x.code === code);
      if (!r) return undefined;
      a = {
        areaDesc: r.name,
        polygons: r.geometry ? capPolygons(r.geometry) : [],
        geocodes: [{ valueName: 'ISO 3166-2', value: r.code }],
      };
      this.#capAreas.set(code, a);
    }
    return a;
  }

  /** Where each case's evidence lies: fixed when it opened, so read once, for many cases at a time. */
  async #areasOf(caseIds: readonly string[]): Promise<Map<string, { regions: string[]; zones: string[] }>> {
    const unread = caseIds.filter((id) => !this.#caseAreas.has(id));
    const openings = await this.store.getCases(unread);
    const read = await this.ps.violations(
      unread.flatMap((id) => (openings.get(id)?.evidence ?? []).map((e) => e.violation)),
    );
    for (const caseId of unread) {
      const regions = new Set<string>();
      const zones = new Set<string>();
      for (const e of openings.get(caseId)?.evidence ?? []) {
        const v = read.get(e.violation);
        if (v?.region) regions.add(v.region);
        for (const z of v?.zones ?? []) zones.add(z);
      }
      this.#caseAreas.set(caseId, { regions: [...regions].sort(), zones: [...zones].sort() });
    }
    return new Map(caseIds.map((id) => [id, this.#caseAreas.get(id) ?? { regions: [], zones: [] }]));
  }

  /**
   * What a pass looks at of these cases: file, areas and CAP chain, each read for all of them at once. Cases without
   * a file, and inspection requests (a party's, between it and the verifying body: not breach cases for the public),
   * are absent.
   */
  async #read(caseIds: readonly string[]): Promise<Map<string, CaseRead>> {
    const files = await this.casework.store.getCaseFiles(caseIds);
    const shown = caseIds.filter((id) => {
      const f = files.get(id);
      return f !== undefined && !isInspection(f);
    });
    const [areas, chains] = await Promise.all([this.#areasOf(shown), this.ps.capChains(shown)]);
    const out = new Map<string, CaseRead>();
    for (const id of shown) {
      const file = files.get(id);
      const where = areas.get(id);
      if (file && where) out.set(id, { file, where, chain: chains.get(id) ?? [] });
    }
    return out;
  }

  async #pass(): Promise<{ published: number; more: boolean }> {
    const { cursor, areas } = await this.ps.projectionState();
    const marks = await this.ps.logAfter(cursor, PAGE);
    // After reading the log: every case opening it holds is adopted (given its file) before it is looked at.
    await this.casework.catchUp();
    const now = this.clock.now();
    const last = marks.at(-1);
    const to = last ? last.idx : cursor;
    const events: NewFeedEvent[] = [];

    const violations = new Set<string>();
    const changed = new Set<string>();
    for (const m of marks) {
      if (m.kind === 'violation') violations.add(m.recordId.slice(0, m.recordId.lastIndexOf('@')));
      else changed.add(itemAt(m.recordId.split('/'), 0));
    }
    const read = await this.ps.violations([...violations]);
    for (const id of violations) {
      const v = read.get(id);
      if (v) events.push(violationEvent(v, now));
    }
    if (this.#cursor !== cursor) this.#active = undefined; // another server projected: its changes were not seen here
    for (const id of violations) {
      const v = read.get(id);
      this.#active?.set(id, v?.status === 'active' ? { region: v.region, zones: v.zones, time: v.time } : undefined);
    }

    const cap: ProjectionCommit['cap'] = [];
    // A case's phase changes only with its case file, which the log records: a pass looks at the cases its log
    // entries name. Live cases are kept between passes, read again in full when another server projected since.
    const look = new Set(changed);
    if (this.#live === undefined || this.#cursor !== cursor) {
      this.#live = new Map();
      for (const id of await this.ps.openCapCases()) look.add(id);
    }
    const live = this.#live;
    const sorted = [...look].sort();
    let chunk = new Map<string, CaseRead>();
    for (let i = 0; i < sorted.length; i++) {
      // A few statements per chunk of cases, not several per case, and a turn of the event loop between chunks: a
      // catch-up over thousands of cases (a restart on a backlog) holds up no request for long.
      if (i % CHUNK === 0) {
        if (i > 0) await new Promise((r) => setImmediate(r));
        chunk = await this.#read(sorted.slice(i, i + CHUNK));
      }
      const caseId = itemAt(sorted, i);
      const read = chunk.get(caseId);
      if (!read) continue;
      const { file, where, chain } = read;
      const phase = casePhase(file);
      if (livePhases.includes(phase)) live.set(caseId, { caseId, phase, ...where });
      else live.delete(caseId);
      if (changed.has(caseId)) {
        const o = file.judgment.outcome;
        events.push({
          kind: 'case',
          audience: 'cases',
          at: now,
          data: {
            caseId,
            phase,
            severity: file.severity,
            trigger: file.trigger ?? null,
            openedAt: file.openedAt,
            outcome: o ? { result: o.result, effect: o.effect, at: o.at } : null,
            tasks: {
              total: file.tasks.length,
              open: file.tasks.filter((t) => t.status === 'open').length,
              delivered: file.tasks.filter((t) => t.status === 'delivered').length,
              overdue: file.tasks.filter((t) => t.overdue).length,
            },
            regions: where.regions,
          },
        });
      }
      const areasOfCase = where.regions.map((r) => this.#capArea(r)).filter((a): a is CapArea => a !== undefined);
      const m = nextCapMessage(this.#cap, { caseId, severity: file.severity, phase, areas: areasOfCase }, chain, now);
      if (m) {
        cap.push({ message: m, xml: capXml(m) });
        events.push({
          kind: 'cap',
          audience: 'public',
          at: now,
          data: {
            identifier: m.identifier,
            msgType: m.msgType,
            caseId,
            phase,
            sent: m.sent,
            references: m.references.map((r) => r.identifier),
            regions: where.regions,
            url: `/v1/public/cap/${encodeURIComponent(m.identifier)}`,
          },
        });
      }
    }

    // The status is recomputed when something it depends on changed, and every few seconds for the windows' ends;
    // reading every violation of the window four times a second would cost a busy mission for nothing.
    const settings = await this.ps.crossingSettings();
    const settingsText = JSON.stringify([...settings.values()]);
    const wall = performance.now();
    const changedInputs = marks.length > 0 || cap.length > 0 || settingsText !== this.#settingsText;
    const due =
      (changedInputs && wall - this.#statusWall >= this.statusEvery) ||
      now - this.#statusAt >= statusEvery ||
      now < this.#statusAt;
    if (!due) {
      if (!events.length && to === cursor) return this.#unchanged(cursor);
      return this.#commit({ from: cursor, to, events, areas: [], cap }, undefined, marks.length === PAGE);
    }
    this.#statusAt = now;
    this.#statusWall = wall;
    this.#settingsText = settingsText;
    const status: PublicStatus = publicStatus({
      now,
      window: this.window,
      regions: this.regions,
      zones: this.zones,
      crossings: this.crossings,
      violations: await this.#activeViolations(now),
      cases: [...live.values()],
      settings,
      previous: areas,
    });
    const coverage = await this.options.coverage?.().catch(() => undefined);
    if (coverage) status.sustainment = coverage;
    const published: PublishedArea[] = [];
    for (const ch of statusChanges(status, areas)) {
      const a = ch.area;
      published.push({ key: ch.key, state: a.state, since: a.since });
      events.push({
        kind: 'status',
        audience: 'public',
        at: now,
        data: { area: ch.kind, code: a.code, name: a.name, state: a.state, from: ch.from ?? null, since: a.since },
      });
    }
    // The status document changes when any state or count does; `time` alone does not make it new.
    const body = JSON.stringify({ ...status, time: 0 });
    if (this.#lastStatus === undefined) {
      const stored = await this.ps.publicStatus();
      this.#lastStatus = stored ? JSON.stringify({ ...(JSON.parse(stored.doc) as PublicStatus), time: 0 }) : '';
    }
    const statusChanged = body !== this.#lastStatus;
    if (!events.length && to === cursor && !statusChanged && !published.length) return this.#unchanged(cursor);
    return this.#commit(
      { from: cursor, to, events, areas: published, cap },
      statusChanged ? { doc: JSON.stringify(status), at: now, body } : undefined,
      marks.length === PAGE,
    );
  }

  /**
   * The active violations the status counts at `now`: read in full on the first pass (or after another server
   * projected, or the clock went back), then kept by the log's changes and pruned to the longest window.
   */
  async #activeViolations(now: number): Promise<ActiveViolations> {
    const from = now - Math.max(this.window, ...this.crossings.map((c) => c.window));
    if (!this.#active || now < this.#activeAt) {
      const zones = this.crossings.map((c) => c.zone);
      const active = new ActiveViolations(zones);
      for (const v of await this.ps.activeViolationsSince(from)) active.set(v.id, v);
      this.#active = active;
    }
    const active = this.#active;
    active.prune(from);
    this.#activeAt = now;
    return active;
  }

  /** A pass with nothing to commit: what this server holds is as of `cursor`. */
  #unchanged(cursor: number): { published: number; more: boolean } {
    this.#cursor = cursor;
    return { published: 0, more: false };
  }

  async #commit(
    commit: ProjectionCommit,
    status: { doc: string; at: number; body: string } | undefined,
    more: boolean,
  ): Promise<{ published: number; more: boolean }> {
    if (status) commit.status = { doc: status.doc, at: status.at };
    const seqs = await this.ps.commitProjection(commit);
    if (!seqs) {
      // Another server moved on: read its status and its live cases next time.
      this.#lastStatus = undefined;
      this.#statusAt = -Infinity;
      this.#statusWall = -Infinity;
      this.#live = undefined;
      this.#active = undefined;
      return { published: 0, more: false };
    }
    this.#cursor = commit.to;
    if (status) this.#lastStatus = status.body;
    return { published: seqs.length, more };
  }
}
