/**
 * A package compiled once into the flat tables the per-day loop reads: act kinds with their detecting sources,
 * triggers, the judgment's decision probabilities, response actions per severity, and the sustainment book. Nothing
 * here runs per simulated day, so it may allocate freely; the engine then never does.
 */
import type { Package, Zone } from '../spec/schema.js';
import { DAY } from '../spec/units.js';
import { materialActions, type Activity, type ResponseAction, type LegalForm } from '../spec/vocabulary.js';
import type { ModelParams } from './params.js';
import { castVote, expireJudgment, judgmentPlan, openJudgment, type Choice } from '../ops/judgment.js';
import { boundBy, protectedAgainst, sidesOf } from '../spec/sides.js';
import { itemAt, valueAt, present } from '../item-at.js';
import { thirdPartyPresence } from './presence.js';

/** Activities whose observable trace lasts (weapons or troops in place); the rest are single events. */
const persistentActivities: ReadonlySet<Activity> = new Set<Activity>([
  'heavy-weapon-presence',
  'troop-presence',
  'reinforcement',
  'jamming',
  'ground-advance',
]);

/** Sources without a revisit interval watch continuously; for a lasting act they get one look a day (assumption). */
const CONTINUOUS_LOOK = 1;

export interface ActKind {
  id: string;
  prohibition: string;
  activity: Activity;
  persistent: boolean;
  /** First day the prohibition binds (its `from`). */
  startDay: number;
  /** Detecting sources: index into `sources` (-1 for the protected side's own report), probability (with coverage), revisit and latency in days. */
  src: Int32Array;
  srcP: Float64Array;
  /** The source's nominal detection probability, taken as its report confidence. */
  srcConf: Float64Array;
  srcRevisit: Float64Array;
  srcLatency: Float64Array;
  srcBlindable: Uint8Array;
  srcOperator: Int32Array;
  /** Triggers covering this act's prohibition. */
  triggers: Int32Array;
}

export interface CompiledTrigger {
  id: string;
  count: number;
  /** Days; Infinity when the trigger names no window. */
  window: number;
  sources: number;
  confidence: number;
  /** Kilometres; 0 when the trigger has no depth. */
  depth: number;
  severity: number;
}

export interface CompiledJudgment {
  exists: boolean;
  /** Probabilities that the members' votes declare or dismiss (at `decisionTime`). */
  pDeclare: number;
  pDismiss: number;
  /** Probability that the votes decide nothing and the deadline default declares (at `deadline`). */
  pDeadlineDeclare: number;
  /** Days from a case opening to the vote. */
  decisionTime: number;
  /** Days; Infinity when there is no deadline. */
  deadline: number;
  onDeadline: 'declare' | 'dismiss' | 'no-decision';
}

export interface CompiledResponses {
  /** Per action: responding actor index (into `actors`), material flag, automatic flag, due days, sustainment category (-1 none). */
  actor: Int32Array;
  material: Uint8Array;
  automatic: Uint8Array;
  due: Float64Array;
  category: Int32Array;
  /** actionWeight of each action (0 for actions that are not material). */
  weight: Float64Array;
  /** 1 when the clock starts at the trigger (`upon: trigger`: each responder judges for itself), not a declaration. */
  uponTrigger: Uint8Array;
  /** The action's own legal form, where it states one: lapse probability and form weight; -1 to use the actor's. */
  lapse: Float64Array;
  formWeight: Float64Array;
  /** Index of this severity's first action among all actions (for per-run lapse draws). */
  offset: number;
  action: ResponseAction[];
}

export interface CompiledModel {
  pkg: Package;
  params: ModelParams;
  adversary: string;
  horizonDays: number;
  actors: string[];
  /** Per actor: lapse probability at each of its elections (0 for actors that cannot lapse). */
  actorLapse: Float64Array;
  /** Per actor: how much its promise weighs in the adversary's eyes, by the legal form behind it (assumption). */
  actorForm: Float64Array;
  /** Per actor: force actors lapse only when all contributors have (indices), else empty. */
  actorContributors: number[][];
  /** Per actor: election days within the horizon. */
  elections: number[][];
  sources: { id: string; kind: string; operator: string }[];
  operators: string[];
  kinds: ActKind[];
  /** The act kind an offensive uses (ground advance across the line; synthetic when the package prohibits none). */
  advanceKind: number;
  /** The act kind accidental incidents use (fire if prohibited), or -1. */
  backgroundKind: number;
  triggers: CompiledTrigger[];
  severities: string[];
  judgment: CompiledJudgment;
  /** Per severity index. */
  responses: CompiledResponses[];
  categories: string[];
  /** Per category: requirement per day (0 = none stated), stock days. */
  requirementPerDay: Float64Array;
  stockDays: Float64Array;
  /** Commitments: guarantor actor index, category, amount per day, start and end day, lapse probability. */
  commitments: {
    actor: number;
    category: number;
    perDay: number;
    start: number;
    end: number;
    lapse: number;
    form: LegalForm;
  }[];
  advanceRate: number;
  nationalDecision: number;
  /** Third-party actors with personnel on the ground (src/core/sim/presence.ts); any lowers the chance of an offensive. */
  presence: string[];
}

const formStrength: Record<LegalForm, number> = {
  intent: -1,
  political: 0,
  executive: 1,
  'appropriation-law': 2,
  treaty: 3,
};

/**
 * How far an adversary believes a promise, by the legal form behind it (assumption; the ordering follows the
 * language's own: a ratified treaty binds beyond an election, a political declaration does not, as the 1994
 * Budapest Memorandum showed [C]).
 */
// `intent` (money stated only as an intention) weighs no more than a political declaration (assumption).
export const formWeight: Record<LegalForm, number> = {
  treaty: 1,
  'appropriation-law': 0.9,
  executive: 0.75,
  political: 0.5,
  intent: 0.5,
};

/**
 * How much a material action costs an attacker, for ex-ante deterrence (assumption): force meets force in full;
 * arms and air defence raise the cost of an advance; sanctions, money and intelligence less.
 */
export const actionWeight: Partial<Record<ResponseAction, number>> = {
  'mutual-defence': 1,
  'use-of-force': 1,
  'deploy-force': 1,
  reinforce: 1,
  'air-defence-surge': 0.6,
  'weapons-delivery': 0.6,
  'intelligence-support': 0.3,
  'financial-support': 0.3,
  sanctions: 0.3,
  'sanctions-snapback': 0.3,
};

export function lapseProbability(form: LegalForm, p: ModelParams): number {
  switch (form) {
    case 'political':
    case 'intent':
      return p['lapse-political'];
    case 'executive':
      return p['lapse-executive'];
    case 'appropriation-law':
      return p['lapse-appropriation-law'];
    case 'treaty':
      return p['lapse-treaty'];
  }
}

const asList = (x: string | string[] | undefined): string[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

/** Which sustainment categories a material action draws on, by the category's name (documented heuristic). */
const actionNeeds: Partial<Record<ResponseAction, RegExp>> = {
  'air-defence-surge': /air|intercept|missile/i,
  'weapons-delivery': /weapon|ammun|intercept|artiller|arms|missile/i,
  'financial-support': /financ|fund|budget|money|grant|loan/i,
  reinforce: /force|troop|personnel|brigade/i,
  'deploy-force': /force|troop|personnel|brigade/i,
};

export function compile(pkg: Package, params: ModelParams, adversary: string): CompiledModel {
  const horizonDays = Math.max(1, Math.ceil(pkg.horizon / DAY));
  const t0 = pkg.effective.start;
  const toDay = (ms: number) => (ms - t0) / DAY;

  const actors = Object.keys(pkg.actors);
  const actorIndex = new Map(actors.map((a, i) => [a, i]));
  const roleOf = (a: string) => pkg.actors[a]?.role;
  const expand = (ref: string): string[] => {
    switch (ref) {
      case 'guarantors':
        return actors.filter((a) => roleOf(a) === 'guarantor');
      case 'parties':
        return actors.filter((a) => roleOf(a) === 'party');
      case 'monitors':
        return actors.filter((a) => roleOf(a) === 'monitor');
      case 'members':
        return pkg.judgment ? pkg.judgment.members.flatMap(expand) : [];
      default:
        return actorIndex.has(ref) ? [ref] : [];
    }
  };

  // Elections and lapse: an actor's promise to respond is as strong as its strongest sustainment commitment; a
  // guarantor with none has only a political promise (assumption).
  const elections = actors.map((a) =>
    (itemAt(pkg.actors, a).elections ?? [])
      .map((e) => toDay(e.start))
      .filter((d) => d >= 0 && d < horizonDays)
      .sort((x, y) => x - y),
  );
  const strongest = new Map<string, LegalForm>();
  for (const c of pkg.sustainment.commitments) {
    const cur = strongest.get(c.by);
    if (cur === undefined || formStrength[c.form] > formStrength[cur]) strongest.set(c.by, c.form);
  }
  const actorLapse = new Float64Array(actors.length);
  const actorForm = new Float64Array(actors.length).fill(1);
  const actorContributors: number[][] = actors.map(() => []);
  actors.forEach((a, i) => {
    const role = roleOf(a);
    if (role === 'guarantor') {
      const form = strongest.get(a) ?? 'political';
      actorLapse[i] = lapseProbability(form, params);
      actorForm[i] = formWeight[form];
    }
    if (role === 'force')
      actorContributors[i] = (itemAt(pkg.actors, a).contributors ?? [])
        .map((c) => actorIndex.get(c))
        .filter((x): x is number => x !== undefined);
  });
  actors.forEach((_, i) => {
    const cs = itemAt(actorContributors, i);
    if (cs.length) actorForm[i] = Math.max(...cs.map((c) => itemAt(actorForm, c)));
  });

  // Sources and operators.
  const sourceIds = Object.keys(pkg.verification);
  const sources = sourceIds.map((id) => ({
    id,
    kind: itemAt(pkg.verification, id).kind as string,
    operator: itemAt(pkg.verification, id).operator,
  }));
  const operators = [...new Set(sources.map((s) => s.operator))];
  // The protected side sees an armed advance into its own territory. When the package names no source it operates
  // that detects an advance, a stand-in source stands for its report (`victim-report`; an unstated default, flagged).
  const victim = victimReporter(pkg, adversary);
  if (victim !== undefined && !operators.includes(victim)) operators.push(victim);

  // Triggers and severities.
  const severities = [...pkg.severities];
  for (const t of Object.values(pkg.triggers)) if (!severities.includes(t.severity)) severities.push(t.severity);
  const triggerIds = Object.keys(pkg.triggers);
  const triggers: CompiledTrigger[] = triggerIds.map((id) => {
    const t = itemAt(pkg.triggers, id);
    return {
      id,
      count: t.count ?? 1,
      window: t.within !== undefined ? t.within / DAY : Infinity,
      sources: t.evidence?.['independent-sources'] ?? 1,
      confidence: t.evidence?.confidence ?? 0,
      depth: t.depth !== undefined ? t.depth / 1000 : 0,
      severity: severities.indexOf(t.severity),
    };
  });

  // Act kinds: every activity a prohibition forbids the adversary.
  const kinds: ActKind[] = [];
  let advanceKind = -1;
  for (const [pid, pr] of Object.entries(pkg.prohibitions)) {
    if (!boundBy(pkg, pid).includes(adversary)) continue;
    const startDay =
      pr.from === undefined ? 0 : 'after' in pr.from ? pr.from.after / DAY : Math.max(0, toDay(pr.from.at.start));
    const zonesOfAct = actZones(pkg, pr.inside, pr.across);
    const trig = triggerIds.map((id, i) => (itemAt(pkg.triggers, id).on.includes(pid) ? i : -1)).filter((i) => i >= 0);
    for (const activity of pr.activities) {
      const k = buildKind(
        pkg,
        params,
        `${pid}/${activity}`,
        pid,
        activity,
        startDay,
        zonesOfAct,
        sourceIds,
        operators,
        trig,
        victim,
      );
      if (activity === 'ground-advance' && advanceKind < 0) advanceKind = kinds.length;
      kinds.push(k);
    }
  }
  if (advanceKind < 0) {
    // The package does not prohibit an advance: an offensive is still an attack, but no trigger can see it.
    const line = Object.entries(pkg.zones).find(([, z]) => z.kind === 'line')?.[0];
    advanceKind = kinds.length;
    kinds.push(
      buildKind(
        pkg,
        params,
        'unprohibited/ground-advance',
        '',
        'ground-advance',
        0,
        line ? [line] : [],
        sourceIds,
        operators,
        [],
        victim,
      ),
    );
  }
  const fireOrder: Activity[] = ['artillery-fire', 'mortar-fire', 'small-arms-fire', 'drone-strike', 'missile-strike'];
  let backgroundKind = -1;
  for (const a of fireOrder) {
    backgroundKind = kinds.findIndex((k) => k.activity === a && k.prohibition !== '');
    if (backgroundKind >= 0) break;
  }

  // Sustainment.
  const categories = Object.keys(pkg.sustainment.requirements);
  const currency = pkg.assumptions.currency;
  const fx = pkg.assumptions.fx ?? {};
  const inCurrency = (amount: number, cur: string) =>
    cur === currency
      ? amount
      : fx[cur] && itemAt(fx, cur).currency === currency
        ? amount * itemAt(fx, cur).amount
        : amount;
  // A `level` is compared with levels only (docs/language.md), so any common unit will do: a month.
  const periodDays = {
    month: 365.2425 / 12,
    quarter: 365.2425 / 4,
    year: 365.2425,
    once: 365.2425,
    level: 365.2425 / 12,
  } as const;
  const requirementPerDay = new Float64Array(categories.length);
  const stockDays = new Float64Array(categories.length);
  categories.forEach((c, i) => {
    const r = itemAt(pkg.sustainment.requirements, c);
    const q = r.amount ? inCurrency(r.amount.amount, r.amount.currency) : (r.quantity ?? 0);
    requirementPerDay[i] = q / periodDays[r.per];
    stockDays[i] = r.stock !== undefined ? r.stock / DAY : 0;
  });
  const commitments = pkg.sustainment.commitments
    .map((c) => {
      const q = c.amount ? inCurrency(c.amount.amount, c.amount.currency) : (c.quantity ?? 0);
      const lead = c['lead-time'] !== undefined ? c['lead-time'] / DAY : 0;
      const start = toDay(c.from.start) + lead;
      const end = c.per === 'once' ? start + periodDays.once : c.until ? toDay(c.until.end) : Infinity;
      return {
        actor: actorIndex.get(c.by) ?? -1,
        category: categories.indexOf(c.provides),
        perDay: q / periodDays[c.per],
        start,
        end,
        lapse: lapseProbability(c.form, params),
        form: c.form,
      };
    })
    .filter((c) => c.actor >= 0 && c.category >= 0);

  // Responses per severity. They act on the violator only: the adversary does not respond to its own acts, and a
  // guarantee that protects only the adversary is not set off by the adversary's violations (docs/simulation.md,
  // Sides). A package that says whom nobody is protected against (no protected side at all) is taken as written.
  const sides = sidesOf(pkg);
  const responsesApply = sides.protectedBasis === 'none' || protectedAgainst(pkg, adversary).length > 0;
  const nationalDecision = params['national-decision'];
  const responses: CompiledResponses[] = severities.map((sev) => {
    const list = responsesApply ? (pkg.responses[sev] ?? []) : [];
    const rows: {
      actor: number;
      material: boolean;
      automatic: boolean;
      due: number;
      category: number;
      action: ResponseAction;
      upon: boolean;
      form?: LegalForm;
    }[] = [];
    for (const r of list) {
      const within = r.within !== undefined ? r.within / DAY : params['default-within'];
      const due = within + (r.automatic ? 0 : nationalDecision);
      const re = actionNeeds[r.do];
      const category = re ? categories.findIndex((c) => re.test(c)) : -1;
      for (const a of asList(r.by).flatMap(expand)) {
        if (a === adversary) continue;
        rows.push({
          actor: valueAt(actorIndex, a),
          material: materialActions.has(r.do),
          automatic: r.automatic,
          due,
          category,
          action: r.do,
          upon: r.upon === 'trigger',
          form: r.form,
        });
      }
    }
    return {
      actor: Int32Array.from(rows.map((r) => r.actor)),
      material: Uint8Array.from(rows.map((r) => (r.material ? 1 : 0))),
      automatic: Uint8Array.from(rows.map((r) => (r.automatic ? 1 : 0))),
      due: Float64Array.from(rows.map((r) => r.due)),
      category: Int32Array.from(rows.map((r) => r.category)),
      weight: Float64Array.from(rows.map((r) => (r.material ? (actionWeight[r.action] ?? 0.3) : 0))),
      uponTrigger: Uint8Array.from(rows.map((r) => (r.upon ? 1 : 0))),
      lapse: Float64Array.from(rows.map((r) => (r.form ? lapseProbability(r.form, params) : -1))),
      formWeight: Float64Array.from(rows.map((r) => (r.form ? formWeight[r.form] : -1))),
      offset: 0,
      action: rows.map((r) => r.action),
    };
  });

  let offset = 0;
  for (const r of responses) {
    r.offset = offset;
    offset += r.actor.length;
  }

  return {
    pkg,
    params,
    adversary,
    horizonDays,
    actors,
    actorLapse,
    actorForm,
    actorContributors,
    elections,
    sources,
    operators,
    kinds,
    advanceKind,
    backgroundKind,
    triggers,
    severities,
    judgment: compileJudgment(pkg, params, adversary),
    responses,
    categories,
    requirementPerDay,
    stockDays,
    commitments,
    advanceRate: params['advance-rate'],
    nationalDecision,
    presence: thirdPartyPresence(pkg),
  };
}

/**
 * Where an act takes place, as zones: the prohibition's `inside` zones, else the line it must not cross, else the
 * front, taken as the narrowest buffer around a line (assumption: fire and strikes concentrate near the front).
 */
function actZones(pkg: Package, inside: string | string[] | undefined, across: string | undefined): string[] {
  const inZones = asList(inside);
  if (inZones.length) return inZones;
  if (across) return [across];
  let best: string | undefined;
  let width = Infinity;
  for (const [id, z] of Object.entries(pkg.zones)) {
    if (z.kind === 'buffer' && z.width < width) {
      best = id;
      width = z.width;
    }
  }
  return best ? [best] : [];
}

/** Follow airspace-over to the ground zone it sits over. */
function ground(pkg: Package, id: string): string {
  let cur = id;
  for (let i = 0; i < 8; i++) {
    const z: Zone | undefined = pkg.zones[cur];
    if (z?.kind === 'airspace' && z.over) cur = z.over;
    else break;
  }
  return cur;
}

/**
 * Share of acts in zone `act` that a source covering zone `cover` can see: 1 for the same zone or a line inside a
 * buffer around it; for two buffers around one line, the ratio of their widths (a 15 km buffer sees 15/50 of a
 * 50 km zone, acts being spread evenly across its depth: assumption); else 0.
 */
export function coverageShare(pkg: Package, cover: string, act: string): number {
  const c = ground(pkg, cover);
  const a = ground(pkg, act);
  if (c === a) return 1;
  const cz = pkg.zones[c];
  const az = pkg.zones[a];
  if (!cz || !az) return 0;
  if (az.kind === 'line' && cz.kind === 'buffer' && cz.around === a) return 1;
  if (az.kind === 'buffer' && cz.kind === 'buffer' && az.around === cz.around) {
    const sideShare = cz.side === 'both' || cz.side === az.side ? 1 : az.side === 'both' ? 0.5 : 0;
    return Math.min(1, cz.width / az.width) * sideShare;
  }
  return 0;
}

function buildKind(
  pkg: Package,
  params: ModelParams,
  id: string,
  prohibition: string,
  activity: Activity,
  startDay: number,
  zones: string[],
  sourceIds: string[],
  operators: string[],
  triggers: number[],
  victim: string | undefined,
): ActKind {
  const rows: {
    src: number;
    p: number;
    conf: number;
    revisit: number;
    latency: number;
    blindable: boolean;
    operator: number;
  }[] = [];
  sourceIds.forEach((sid, i) => {
    const s = itemAt(pkg.verification, sid);
    const p = s.detects[activity];
    if (p === undefined || p <= 0) return;
    let share: number;
    if (!s.covers) share = 1;
    else if (zones.length === 0)
      share = 0.5; // an act tied to no zone; a source confined to named zones sees half (assumption)
    else
      share =
        zones.reduce(
          (acc, z) => acc + Math.max(0, ...present(s.covers, 'covers').map((c) => coverageShare(pkg, c, z))),
          0,
        ) / zones.length;
    if (share <= 0) return;
    rows.push({
      src: i,
      p: p * share,
      conf: p,
      revisit: s.revisit !== undefined ? s.revisit / DAY : 0,
      latency: s.latency / DAY,
      blindable: params.blindable.includes(s.kind),
      operator: operators.indexOf(s.operator),
    });
  });
  if (victim !== undefined && activity === 'ground-advance' && params['victim-report'] > 0) {
    rows.push({
      src: -1,
      p: params['victim-report'],
      conf: params['victim-report'],
      revisit: 0,
      latency: params['victim-latency'],
      blindable: false,
      operator: operators.indexOf(victim),
    });
  }
  return {
    id,
    prohibition,
    activity,
    persistent: persistentActivities.has(activity),
    startDay,
    src: Int32Array.from(rows.map((r) => r.src)),
    srcP: Float64Array.from(rows.map((r) => r.p)),
    srcConf: Float64Array.from(rows.map((r) => r.conf)),
    srcRevisit: Float64Array.from(rows.map((r) => r.revisit)),
    srcLatency: Float64Array.from(rows.map((r) => r.latency)),
    srcBlindable: Uint8Array.from(rows.map((r) => (r.blindable ? 1 : 0))),
    srcOperator: Int32Array.from(rows.map((r) => r.operator)),
    triggers: Int32Array.from(triggers),
  };
}

export { CONTINUOUS_LOOK };

/**
 * The protected actor whose own report of an armed advance stands in for a source the package does not name: the
 * first actor the guarantee protects against `adversary`, when no source it operates detects a ground advance.
 */
export function victimReporter(pkg: Package, adversary: string): string | undefined {
  const victim = protectedAgainst(pkg, adversary)[0];
  if (victim === undefined) return undefined;
  const stated = Object.values(pkg.verification).some(
    (s) => s.operator === victim && (s.detects['ground-advance'] ?? 0) > 0,
  );
  return stated ? undefined : victim;
}

/**
 * The judgment as probabilities, by running the live judgment state machine (`core/ops/judgment.ts`, whose rules are
 * `core/ops/judgment-rules.ts`) on every combination of the uncertain members' votes (2^n for the n members whose
 * vote is uncertain; sampled with a fixed sequence beyond 12). One semantics: recusal, veto (a blocking objection
 * dismisses), quorum, tie-break and the deadline default are the operations' own. Every vote is cast when the case
 * opens, so a vote that decides nothing stays undecided until the deadline, where the package's `on-deadline`
 * applies.
 *
 * Who votes how: the violator (the adversary) dismisses; an actor the guarantee protects against it declares; every
 * other eligible member declares with probability `member-declare` (assumption), else dismisses.
 */
export function compileJudgment(pkg: Package, params: ModelParams, adversary: string): CompiledJudgment {
  const plan = judgmentPlan(pkg);
  if (!plan)
    return {
      exists: false,
      pDeclare: 0,
      pDismiss: 0,
      pDeadlineDeclare: 0,
      decisionTime: Infinity,
      deadline: Infinity,
      onDeadline: 'no-decision',
    };
  const protectedSide = new Set(protectedAgainst(pkg, adversary));
  const base = openJudgment(plan, { caseId: 'sim', severity: '', openedAt: 0, attributedTo: [adversary] });
  const voters = [...base.electorate, ...(base.casting !== undefined ? [base.casting] : [])];
  const fixed = new Map<string, Choice>();
  const uncertain: string[] = [];
  for (const m of voters) {
    if (m === adversary) fixed.set(m, 'dismiss');
    else if (protectedSide.has(m)) fixed.set(m, 'declare');
    else uncertain.push(m);
  }
  const q = params['member-declare'];
  const deadlineMs = plan.deadline;
  let pDeclare = 0;
  let pDismiss = 0;
  let pDeadlineDeclare = 0;
  const choice = new Map<string, Choice>(fixed);
  const evaluate = (weight: number) => {
    let state = base;
    for (const m of voters) {
      if (state.outcome) break;
      const r = castVote(plan, state, { member: m, choice: valueAt(choice, m), at: 0 });
      state = r.state;
    }
    if (!state.outcome && deadlineMs !== undefined) state = expireJudgment(plan, state, deadlineMs);
    const o = state.outcome;
    if (!o || o.effect === 'none') return;
    if (o.by === 'deadline') {
      if (o.effect === 'declare') pDeadlineDeclare += weight;
    } else if (o.effect === 'declare') pDeclare += weight;
    else pDismiss += weight;
  };
  if (uncertain.length <= 12) {
    for (let mask = 0; mask < 1 << uncertain.length; mask++) {
      let w = 1;
      uncertain.forEach((m, i) => {
        const yes = (mask & (1 << i)) !== 0;
        choice.set(m, yes ? 'declare' : 'dismiss');
        w *= yes ? q : 1 - q;
      });
      if (w > 0) evaluate(w);
    }
  } else {
    const n = 4096;
    let s = 0x12345678;
    for (let r = 0; r < n; r++) {
      for (const m of uncertain) {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        choice.set(m, s / 4294967296 < q ? 'declare' : 'dismiss');
      }
      evaluate(1 / n);
    }
  }
  const deadline = deadlineMs !== undefined ? deadlineMs / DAY : Infinity;
  return {
    exists: true,
    pDeclare,
    pDismiss,
    pDeadlineDeclare,
    decisionTime: Math.min(params.deliberation, deadline),
    deadline,
    onDeadline: plan.onDeadline,
  };
}
