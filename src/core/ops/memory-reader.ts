/**
 * An in-memory `OpsReader` that also applies batch results: the reference implementation of the read port, used
 * by tests, the pipeline benchmark and the stores' contract tests (a store must answer as this does).
 */
import { DAY } from '../spec/units.js';
import type { Incident } from './incident.js';
import { IncidentIndex } from './incident-index.js';
import type { BatchResult } from './pipeline.js';
import type { IncidentProbe, OpsReader, ViolationQuery } from '../ports/ops-reader.js';
import type { CaseOpening } from './trigger.js';
import type { Violation } from './violation.js';
import { valueAt } from '../item-at.js';

export class MemoryOpsReader implements OpsReader {
  readonly incidents = new Map<string, Incident>();
  /** Every incident revision, when kept (`keepRevisions`, the default). */
  readonly revisions: Incident[] = [];
  readonly violations = new Map<string, Violation>();
  /** Latest revision of each case, by key. */
  readonly cases = new Map<string, CaseOpening>();
  /** Superseded case revisions, in the order they were superseded. */
  readonly caseRevisions: CaseOpening[] = [];
  private readonly open = new IncidentIndex();
  /** `prohibition|party|day` -> violation ids. */
  private readonly byDay = new Map<string, Set<string>>();
  /** `prohibition|party` -> violation ids. */
  private readonly byParty = new Map<string, Set<string>>();

  constructor(private readonly options: { keepRevisions?: boolean } = {}) {}

  findIncidents(probes: readonly IncidentProbe[]): Incident[] {
    const out = new Map<string, Incident>();
    for (const p of probes) this.open.query(p, out);
    return [...out.values()];
  }

  findViolations(queries: readonly ViolationQuery[]): Violation[] {
    const out = new Map<string, Violation>();
    for (const q of queries) {
      for (const p of q.prohibitions) {
        const take = (ids: Set<string> | undefined) => {
          if (ids)
            for (const id of ids) {
              const v = valueAt(this.violations, id);
              if (v.status === 'active' && v.time >= q.from && v.time < q.to) out.set(id, v);
            }
        };
        const d0 = Math.floor(q.from / DAY);
        const d1 = Math.floor(q.to / DAY);
        if (Number.isFinite(q.to) && d1 - d0 <= 400)
          for (let d = d0; d <= d1; d++) take(this.byDay.get(`${p}|${q.party}|${d}`));
        else take(this.byParty.get(`${p}|${q.party}`));
      }
    }
    return [...out.values()];
  }

  existingCases(keys: readonly string[]): ReadonlyMap<string, CaseOpening> {
    const out = new Map<string, CaseOpening>();
    for (const k of keys) {
      const c = this.cases.get(k);
      if (c) out.set(k, c);
    }
    return out;
  }

  incidentsById(ids: readonly string[]): Incident[] {
    return ids.flatMap((id) => this.incidents.get(id) ?? []);
  }

  /** What a store does in the batch's transaction. */
  apply(result: BatchResult): void {
    for (const r of result.incidentRevisions) {
      if (this.options.keepRevisions !== false) this.revisions.push(r);
      this.incidents.set(r.id, r);
      this.open.put(r);
    }
    for (const v of result.violations) {
      const old = this.violations.get(v.id);
      if (old) this.unindex(old);
      this.violations.set(v.id, v);
      const k = `${v.prohibition}|${v.party}`;
      add(this.byParty, k, v.id);
      add(this.byDay, `${k}|${Math.floor(v.time / DAY)}`, v.id);
    }
    for (const c of result.caseOpenings) {
      if (this.cases.has(c.key)) throw new Error(`bug: case ${c.key} opened twice`);
      this.cases.set(c.key, c);
    }
    for (const c of result.caseRevisions) {
      const prior = this.cases.get(c.key);
      if (prior?.revision !== c.revision - 1)
        throw new Error(`bug: case ${c.key} revision ${c.revision} after ${prior?.revision}`);
      this.caseRevisions.push(prior);
      this.cases.set(c.key, c);
    }
  }

  private unindex(v: Violation): void {
    const k = `${v.prohibition}|${v.party}`;
    this.byParty.get(k)?.delete(v.id);
    this.byDay.get(`${k}|${Math.floor(v.time / DAY)}`)?.delete(v.id);
  }
}

function add(m: Map<string, Set<string>>, k: string, id: string): void {
  let s = m.get(k);
  if (!s) m.set(k, (s = new Set()));
  s.add(id);
}
