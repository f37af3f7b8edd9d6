/**
 * Day one of a breach: for each trigger, the chain from the first prohibited act to each response, best and worst
 * case, in milliseconds after the breach begins (T+0). `Infinity` means "never, or no upper bound".
 *
 * - Detection: a source sees an act `latency` after it looks, and looks every `revisit` (continuous when absent):
 *   best case `latency`, worst case `revisit + latency`. An operator counts once (sources with the same operator
 *   are not independent); with `independent-sources: k` the case waits for the k-th fastest distinct operator.
 *   The best case is the act the package sees fastest; the worst, the one a violator would choose: the slowest
 *   act that can still be confirmed (acts that can never be confirmed are findings of their own, not times).
 * - Threshold: a `depth` takes depth / advance-rate to reach; `count` > 1 events may be spread over `within`.
 * - Judgment: best case, at once; worst case, at the deadline when the default is to declare and no party can
 *   block, otherwise never.
 * - Responses: due `within` after their start (the declaration, or the trigger when `upon: trigger`), plus the
 *   assumed national-decision time unless `automatic`. Without `within`: at best at once, at worst never.
 */
import type { Package, Trigger } from '../spec/schema.js';
import { materialActions, type Activity, type ResponseAction, type ResponseStart } from '../spec/vocabulary.js';
import { judgmentPower } from './judgment-power.js';
import type { PackageView } from './package-view.js';
import { itemAt, present } from '../item-at.js';

export interface Interval {
  best: number;
  worst: number;
}

export interface OperatorTime {
  operator: string;
  sources: string[];
  best: number;
  worst: number;
}

export interface ActDetection {
  prohibition: string;
  activity: Activity;
  /** Distinct operators that can see it, fastest (worst case) first. */
  operators: OperatorTime[];
  /** When the k-th operator has reported; absent when fewer than k can see it. */
  confirmed?: Interval;
}

export interface ResponseTiming {
  index: number;
  action: ResponseAction;
  by: string[];
  upon: ResponseStart;
  automatic: boolean;
  material: boolean;
  within?: number;
  /** The national-decision time added (0 when automatic). */
  decision: number;
  due: Interval;
}

export interface TriggerTimeline {
  trigger: string;
  severity: string;
  /** Independent sources required. */
  k: number;
  acts: ActDetection[];
  /** The acts that set the best and worst case of detection. */
  fastest?: ActDetection;
  slowest?: ActDetection;
  detection?: Interval;
  /** From the first act until the trigger's condition holds (depth reached; count-th event). */
  threshold: Interval & { depthTime?: number; window?: number };
  caseOpens: Interval;
  judgment: { present: boolean; deadline?: number; onDeadline?: string; decision: Interval; risks: string[] };
  responses: ResponseTiming[];
  firstMaterial?: ResponseTiming & { at: Interval };
  /** Metres a violator can advance before the first material response (Infinity: none comes). */
  depth?: Interval;
  /** The line the advance is measured along, its length (m) and the area (m²) depth x length. */
  along?: { line: string; length: number; area: Interval };
}

const inf = Number.POSITIVE_INFINITY;
const add = (...xs: number[]) => xs.reduce((a, b) => a + b, 0);

export function triggerTimeline(view: PackageView, id: string, t: Trigger): TriggerTimeline {
  const m = view.model;
  const k = t.evidence?.['independent-sources'] ?? 1;
  const acts: ActDetection[] = [];
  for (const pid of t.on) {
    const p = m.prohibitions[pid];
    if (!p) continue;
    for (const activity of p.activities) {
      const byOp = new Map<string, OperatorTime>();
      for (const [sid, s] of view.detectors(activity)) {
        if (!view.sees(s, p)) continue;
        const best = s.latency;
        const worst = (s.revisit ?? 0) + s.latency;
        const cur = byOp.get(s.operator);
        if (!cur) byOp.set(s.operator, { operator: s.operator, sources: [sid], best, worst });
        else {
          cur.sources.push(sid);
          cur.best = Math.min(cur.best, best);
          cur.worst = Math.min(cur.worst, worst);
        }
      }
      const operators = [...byOp.values()].sort(
        (a, b) => a.worst - b.worst || a.best - b.best || (a.operator < b.operator ? -1 : 1),
      );
      const act: ActDetection = { prohibition: pid, activity, operators };
      if (operators.length >= k) {
        const bests = operators.map((o) => o.best).sort((a, b) => a - b);
        act.confirmed = { best: itemAt(bests, k - 1), worst: itemAt(operators, k - 1).worst };
      }
      acts.push(act);
    }
  }
  // The fastest act's best time and the slowest act's worst, among the acts the sources confirm at all.
  let fastest: ActDetection | undefined;
  let slowest: ActDetection | undefined;
  let detection: Interval | undefined;
  for (const a of acts) {
    const c = a.confirmed;
    if (!c) continue;
    if (!detection) {
      fastest = slowest = a;
      detection = { best: c.best, worst: c.worst };
      continue;
    }
    if (c.best < detection.best) ((fastest = a), (detection.best = c.best));
    if (c.worst > detection.worst) ((slowest = a), (detection.worst = c.worst));
  }

  const rate = m.assumptions['advance-rate'];
  // Depth is ground gained: it means something only for a trigger on a ground advance.
  const deep = t.depth !== undefined && isAdvance(m, t) ? t.depth : undefined;
  const depthTime =
    deep !== undefined && rate !== undefined && rate > 0 ? deep / rate : deep !== undefined ? 0 : undefined;
  const count = t.count ?? 1;
  const window = count > 1 ? (t.within ?? inf) : undefined;
  const threshold = { best: depthTime ?? 0, worst: add(depthTime ?? 0, window ?? 0), depthTime, window };
  const caseOpens: Interval = detection
    ? { best: threshold.best + detection.best, worst: threshold.worst + detection.worst }
    : { best: inf, worst: inf };

  const j = m.judgment;
  const risks: string[] = [...(judgmentRisks.get(view) ?? computeRisks(view))];
  let decision: Interval = { best: inf, worst: inf };
  // Steps before the decision (negotiation, conciliation ...) each take up to their `within` first.
  const stages = (j?.before ?? []).reduce((a, st) => a + (st.within ?? inf), 0);
  if (j)
    decision = {
      best: caseOpens.best,
      worst: risks.length ? inf : caseOpens.worst + stages + present(j.deadline, 'deadline'),
    };

  const nd = m.assumptions['national-decision'] ?? 0;
  const responses: ResponseTiming[] = (m.responses[t.severity] ?? []).map((r, index) => {
    const start = r.upon === 'trigger' ? caseOpens : decision;
    const decisionTime = r.automatic ? 0 : nd;
    return {
      index,
      action: r.do,
      by: view.actorsIn(r.by),
      upon: r.upon,
      automatic: r.automatic,
      material: materialActions.has(r.do),
      ...(r.within !== undefined ? { within: r.within } : {}),
      decision: decisionTime,
      due: { best: start.best + (r.within ?? 0) + decisionTime, worst: start.worst + (r.within ?? inf) + decisionTime },
    };
  });
  let firstMaterial: TriggerTimeline['firstMaterial'];
  for (const r of responses) {
    if (!r.material) continue;
    if (
      !firstMaterial ||
      r.due.worst < firstMaterial.at.worst ||
      (r.due.worst === firstMaterial.at.worst && r.due.best < firstMaterial.at.best)
    ) {
      firstMaterial = { ...r, at: { ...r.due } };
    }
  }
  if (firstMaterial) {
    // The best case of the first material response is the fastest material action, whichever it is.
    firstMaterial.at.best = Math.min(...responses.filter((r) => r.material).map((r) => r.due.best));
  }

  const out: TriggerTimeline = {
    trigger: id,
    severity: t.severity,
    k,
    acts,
    detection,
    threshold,
    caseOpens,
    judgment: { present: j !== undefined, decision, risks },
    responses,
  };
  if (fastest) out.fastest = fastest;
  if (slowest) out.slowest = slowest;
  if (j?.deadline !== undefined) out.judgment.deadline = j.deadline;
  if (j?.['on-deadline'] !== undefined) out.judgment.onDeadline = j['on-deadline'];
  if (firstMaterial) out.firstMaterial = firstMaterial;
  if (rate !== undefined) {
    const at = firstMaterial?.at ?? { best: inf, worst: inf };
    out.depth = { best: rate * at.best, worst: rate * at.worst };
    const line = lineFor(view, t);
    const length = line !== undefined ? view.lineLengths.get(line) : undefined;
    if (line !== undefined && length !== undefined)
      out.along = { line, length, area: { best: out.depth.best * length, worst: out.depth.worst * length } };
  }
  return out;
}

/** Why a declaration may never come, the same for every trigger: computed once per view. */
const judgmentRisks = new WeakMap<PackageView, string[]>();
function computeRisks(view: PackageView): string[] {
  const j = view.model.judgment;
  const risks: string[] = [];
  if (!j) risks.push('there is no judgment body to declare a breach');
  else {
    const power = judgmentPower(j, view);
    if (power.partyBlockers.length) risks.push(`${power.partyBlockers.map((b) => b.actor).join(', ')} can block it`);
    (j.before ?? []).forEach((st, i) => {
      if (st.within === undefined) risks.push(`${st.step}, step ${i + 1} before the decision, has no time limit`);
    });
    if (j.deadline === undefined) risks.push('the judgment has no deadline');
    else if (j['on-deadline'] !== 'declare')
      risks.push(
        `when the deadline passes ${j['on-deadline'] === undefined ? 'nothing is decided' : `the default is ${j['on-deadline']}`}`,
      );
  }
  judgmentRisks.set(view, risks);
  return risks;
}

/** The line an advance under this trigger is measured along: one its prohibitions cross, or that their zones surround. */
export function lineFor(view: PackageView, t: Trigger): string | undefined {
  for (const pid of t.on) {
    const p = view.model.prohibitions[pid];
    if (!p) continue;
    for (const z of view.placesOf(p)) {
      const l = view.lineOf(z);
      if (l !== undefined) return l;
    }
  }
  return Object.entries(view.model.zones).find(([, z]) => z.kind === 'line' && z.sides !== undefined)?.[0];
}

export function timelines(view: PackageView): TriggerTimeline[] {
  return Object.entries(view.model.triggers).map(([id, t]) => triggerTimeline(view, id, t));
}

/**
 * Whether a trigger's prohibitions include a ground advance: the only act where depth gained is the measure of delay
 * (a weapons deployment, a strike or an overflight gains no ground, whatever `depth` the trigger states).
 */
export function isAdvance(m: Package, t: Trigger): boolean {
  return t.on.some((p) => m.prohibitions[p]?.activities.includes('ground-advance'));
}
