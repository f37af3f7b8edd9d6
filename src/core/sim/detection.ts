/**
 * The detection chain behind credibility: a response deters only as far as the act that sets it off can be seen,
 * declared in time and answered. This module computes the first two links analytically for an armed advance, once per
 * compiled package; the engine multiplies them by the third (delivery, which lapses and shortfalls change over a run).
 * docs/simulation.md ("Credibility: the detection chain") states the formulas:
 *
 *   P(seen_j)  = 1 - (1 - p_j)^n_j            source j, n_j looks that report within W (W = `impunity-window`)
 *   P(seen_o)  = 1 - prod_j in o (1 - P(seen_j))  operator o (sources of one operator are one source)
 *   P(evidenced by trigger T) = sum over sets S of operators that meet T's rule (|S| >= k, 1 - prod_S (1 - c_o) >= c)
 *                               of prod_{o in S} P(seen_o) prod_{o not in S} (1 - P(seen_o))
 *   P(declared in time) = P(the votes declare) [deliberation <= W] + P(the deadline default declares) [deadline <= W]
 *
 * W is the adversary's own yardstick for impunity (the engine uses the same window to decide that an act went
 * unpunished), so an attacker reckons a response that cannot be set off within it as no response.
 */
import type { ActKind, CompiledJudgment, CompiledTrigger } from './compile.js';
import { CONTINUOUS_LOOK } from './compile.js';
import type { ModelParams } from './params.js';

/** Operators beyond this many are left out of the enumeration (2^16 sets); none of the library comes close. */
const MAX_OPERATORS = 16;

/** Probability that source j of `kind` reports within `window` days, with its detection probability scaled by `factor`. */
export function sourceReportsWithin(kind: ActKind, j: number, window: number, factor: number): number {
  const p = Math.min(1, kind.srcP[j]! * factor);
  const latency = kind.srcLatency[j]!;
  if (p <= 0 || latency > window) return 0;
  const revisit = kind.srcRevisit[j]! > 0 ? kind.srcRevisit[j]! : kind.persistent ? CONTINUOUS_LOOK : 0;
  const looks = revisit === 0 ? 1 : Math.floor((window - latency) / revisit) + 1;
  return 1 - (1 - p) ** looks;
}

/**
 * Probability that an act of `kind` is evidenced for trigger `tr` within `window` days: enough distinct operators
 * report, with enough combined confidence. `blindFactor` scales the sources the adversary can blind (1: not blinded).
 */
export function evidencedWithin(kind: ActKind, tr: CompiledTrigger, window: number, blindFactor: number): number {
  const seen = new Map<number, { miss: number; conf: number }>();
  for (let j = 0; j < kind.src.length; j++) {
    const f = kind.srcBlindable[j] === 1 ? blindFactor : 1;
    const pj = sourceReportsWithin(kind, j, window, f);
    const o = kind.srcOperator[j]!;
    const cur = seen.get(o) ?? { miss: 1, conf: 0 };
    cur.miss *= 1 - pj;
    if (pj > 0 && kind.srcConf[j]! > cur.conf) cur.conf = kind.srcConf[j]!;
    seen.set(o, cur);
  }
  const ops = [...seen.values()].filter((o) => o.miss < 1).slice(0, MAX_OPERATORS);
  if (ops.length < tr.sources) return 0;
  let total = 0;
  for (let mask = 0; mask < 1 << ops.length; mask++) {
    let w = 1;
    let n = 0;
    let miss = 1;
    for (let i = 0; i < ops.length; i++) {
      const o = ops[i]!;
      if (mask & (1 << i)) {
        w *= 1 - o.miss;
        n++;
        miss *= 1 - o.conf;
      } else w *= o.miss;
    }
    if (n >= tr.sources && 1 - miss >= tr.confidence - 1e-9) total += w;
  }
  return total;
}

/** Probability that a case is declared within `window` days of opening. */
export function declaredWithin(j: CompiledJudgment, window: number): number {
  if (!j.exists) return 0;
  return (j.decisionTime <= window ? j.pDeclare : 0) + (j.deadline <= window ? j.pDeadlineDeclare : 0);
}

/** Probability that a deniable offensive is attributed within `window` days (daily chance `offensive-attribution`). */
export function attributedWithin(p: ModelParams, window: number): number {
  return 1 - (1 - p['offensive-attribution']) ** Math.max(1, Math.floor(window));
}

export interface DetectionChain {
  /** Per trigger: P(an armed advance is evidenced for it in time); 0 for triggers that do not cover the advance. */
  seen: Float64Array;
  /** The same while the adversary denies access and jams. */
  seenBlinded: Float64Array;
  /** P(a case is declared in time). */
  declared: number;
  /** P(a deniable offensive is attributed in time). */
  attributed: number;
}

export function detectionChain(
  advance: ActKind,
  triggers: readonly CompiledTrigger[],
  judgment: CompiledJudgment,
  p: ModelParams,
): DetectionChain {
  const W = p['impunity-window'];
  const seen = new Float64Array(triggers.length);
  const seenBlinded = new Float64Array(triggers.length);
  for (const ti of advance.triggers) {
    seen[ti] = evidencedWithin(advance, triggers[ti]!, W, 1);
    seenBlinded[ti] = evidencedWithin(advance, triggers[ti]!, W, p['blind-factor']);
  }
  return { seen, seenBlinded, declared: declaredWithin(judgment, W), attributed: attributedWithin(p, W) };
}
