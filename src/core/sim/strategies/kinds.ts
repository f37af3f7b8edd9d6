/** Choosing which of the package's prohibited acts a strategy uses. */
import type { ActKind, CompiledModel } from '../compile.js';
import { accessActivities } from '../../spec/vocabulary.js';
import { itemAt } from '../../item-at.js';

/** Kinds other than the offensive's ground advance. */
export function actKinds(m: CompiledModel): number[] {
  return m.kinds
    .map((_, i) => i)
    .filter((i) => i !== m.advanceKind && itemAt(m.kinds, i).activity !== 'ground-advance');
}

/** Denial of access and jamming, where the package prohibits them. */
export function accessKinds(m: CompiledModel): number[] {
  return m.kinds.map((k, i) => (accessActivities.includes(k.activity) ? i : -1)).filter((i) => i >= 0);
}

/** Whether any combination of this kind's sources could meet the trigger's evidence rule. */
export function canEvidence(m: CompiledModel, k: ActKind, ti: number): boolean {
  const tr = itemAt(m.triggers, ti);
  const best = new Map<number, number>();
  for (let j = 0; j < k.srcOperator.length; j++) {
    const o = itemAt(k.srcOperator, j);
    best.set(o, Math.max(best.get(o) ?? 0, itemAt(k.srcConf, j)));
  }
  if (best.size < tr.sources) return false;
  let miss = 1;
  for (const c of best.values()) miss *= 1 - c;
  return 1 - miss >= tr.confidence - 1e-9;
}

/**
 * The most acts per day of kind `k` that stay under every trigger covering it: (count - 1) per window, spaced with
 * a margin; unlimited (capped at `cap`) when no trigger can see it; none when a single act can meet a trigger.
 */
export function rateUnderThreshold(m: CompiledModel, k: number, cap: number, margin: number, depthKm = 0): number {
  const kind = itemAt(m.kinds, k);
  let rate = cap;
  for (const ti of kind.triggers) {
    const tr = itemAt(m.triggers, ti);
    if (tr.depth > 0 && depthKm < tr.depth) continue;
    if (!canEvidence(m, kind, ti)) continue;
    if (tr.count < 2 || tr.window === Infinity) return 0;
    rate = Math.min(rate, (tr.count - 1) / (tr.window * (1 + margin)));
  }
  return rate;
}
