/**
 * The state of the pipeline that must not depend on how a set of observations arrived (issue 22): open incidents,
 * active violations and cases, without what records the arrival (revision numbers and reasons, processing times,
 * absorbed lists). A lapsed case (its window no longer holds a run) exists only where an earlier arrival opened it,
 * so it is left out.
 */
import type { CaseOpening, Incident, Violation } from '../../src/core/ops/index.js';

export function orderFreeState(
  incidents: Iterable<Incident>,
  violations: Iterable<Violation>,
  cases: Iterable<CaseOpening>,
) {
  const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return {
    incidents: [...incidents]
      .filter((i) => i.status === 'open')
      .map(({ revision: _r, reason: _why, absorbed: _a, createdAt: _c, updatedAt: _u, ...i }) => i)
      .sort(byId),
    violations: [...violations]
      .filter((v) => v.status === 'active')
      .map(({ revision: _r, detectedAt: _d, ...v }) => v)
      .sort(byId),
    cases: [...cases]
      .filter((c) => !c.lapsed)
      .map(({ revision: _r, revisedAt: _ra, openedAt: _o, ...c }) => c)
      .sort(byId),
  };
}
