/**
 * One simulated ceasefire, day by day over the package's horizon. The adversary's strategy commits acts; each act is
 * seen (or not) by each source, may meet triggers, opens cases that the judgment decides, and declared cases set off
 * responses that arrive on time, late or never. What the adversary learns (impunity, or a timely material response)
 * moves its boldness, which the strategies read. docs/simulation.md states the model in prose.
 *
 * Everything a run needs is allocated once per engine; `run()` allocates nothing, so a worker can run millions of
 * package-days without pausing for the collector. Time is in days from the package's `effective` instant.
 */
import type { CompiledModel } from './compile.js';
import { CONTINUOUS_LOOK } from './compile.js';
import { detectionChain, type DetectionChain } from './detection.js';
import { normal, type Xoshiro128 } from './rng.js';
import type { Battlefield } from './battlefield.js';
import type { StrategyRunner } from './strategies/strategy.js';

/** The links of the detection chain for the trigger that gives the best credibility (docs/simulation.md). */
export interface CredibilityLinks {
  /** The trigger; empty when no trigger covering the armed advance can be evidenced. */
  trigger: string;
  /** P(the advance is evidenced for it in time). */
  seen: number;
  /** P(a case is declared in time). */
  declared: number;
  /** P(at least one material action arrives), weighted, for actions started by a declaration and by the trigger. */
  answeredOnDeclaration: number;
  answeredUponTrigger: number;
  credibility: number;
}

/** Run outcomes as stored in a result record. */
export const Outcome = { Hold: 0, Erode: 1, Collapse: 2 } as const;

/** Layout of one run's result record. */
export const F = {
  outcome: 0,
  /** Days from the first deliberate violation to the first material response after it; -1 when none came, -2 when the adversary committed none. */
  responseDelay: 1,
  groundKm: 2,
  committed: 3,
  detected: 4,
  declared: 5,
  punished: 6,
  collapseDay: 7,
  days: 8,
  firstViolation: 9,
  cases: 10,
  offensives: 11,
} as const;
export const FIELDS = 12;

const MAX_ACTS = 16384;
const MAX_CASES = 4096;

export class Engine implements Battlefield {
  readonly H: number;
  // Adversary state the strategies read.
  bold = 1;
  /** Unpunished deliberate violations the adversary has learned of, and timely material responses it has suffered. */
  unpunished = 0;
  deterred = 0;
  offensiveActive = false;
  offensives = 0;
  collapsed = false;
  blindUntil = -1;
  t = 0;

  private readonly p: CompiledModel['params'];
  // Per-day calendars.
  private readonly boldMul: Float64Array;
  private readonly deterAt: Int32Array;
  private readonly materialAt: Float64Array;
  private readonly pendHead: Int32Array;
  private readonly backgroundP: Float64Array;
  // Acts.
  private nActs = 0;
  /** Acts beyond MAX_ACTS are counted but not followed (they count as unpunished). */
  private overflowActs = 0;
  private overflowDetected = 0;
  private overflowInWindow = 0;
  private readonly actTime = new Float64Array(MAX_ACTS);
  private readonly actCase = new Int32Array(MAX_ACTS);
  private readonly actFlags = new Uint8Array(MAX_ACTS); // 1 deliberate, 2 detected
  private readonly pendNext = new Int32Array(MAX_ACTS);
  // Cases.
  private nCases = 0;
  private readonly caseResolve = new Float64Array(MAX_CASES);
  private readonly caseDeclared = new Uint8Array(MAX_CASES);
  private readonly casePunished = new Uint8Array(MAX_CASES);
  // Triggers: a ring of the last `count` qualifying acts, and the open case.
  private readonly ringStart: Int32Array;
  private readonly ringLen: Int32Array;
  private readonly ringPos: Int32Array;
  private readonly ringTime: Float64Array;
  private readonly ringAct: Int32Array;
  private readonly openCase: Int32Array;
  // Scratch for one act's detections, per operator.
  private readonly opTime: Float64Array;
  private readonly opConf: Float64Array;
  private readonly sortTime: Float64Array;
  private readonly sortConf: Float64Array;
  // Guarantor and commitment lapses, drawn at the start of a run.
  private readonly actorLapseDay: Float64Array;
  private readonly commitLapseDay: Float64Array;
  /** Per response action (all severities): its lapse day when it states its own legal form, else its actor's. */
  private readonly rowLapseDay: Float64Array;
  // The offensive in progress.
  private offStart = 0;
  private offRate = 0;
  private offEnd = 0;
  private offDeniable = false;
  private firstMaterial = Infinity;
  /** The first material response after the first deliberate violation. */
  private firstMaterialAfter = Infinity;
  private firstViolation = -1;
  private ground = 0;
  private collapseAt = -1;
  private fireKind: number;
  private readonly chain: DetectionChain;
  /** The adversary's resolve for this run: uniform on [0, 1), drawn once (see decidesToAttack). */
  private resolve = 0;

  constructor(
    readonly model: CompiledModel,
    readonly rng: Xoshiro128,
  ) {
    this.p = model.params;
    const H = (this.H = model.horizonDays);
    this.boldMul = new Float64Array(H + 2);
    this.deterAt = new Int32Array(H + 2);
    this.materialAt = new Float64Array(H + 2);
    this.pendHead = new Int32Array(H + 2);
    this.backgroundP = new Float64Array(H + 1);
    const p = this.p;
    for (let d = 0; d <= H; d++) {
      // Both sides have accidents; the adversary is blamed for half (assumption).
      const rate = 0.5 * (p['background-early'] * Math.exp(-d / p['background-decay']) + p['background-late']);
      this.backgroundP[d] = 1 - Math.exp(-rate);
    }
    const T = model.triggers.length;
    this.ringStart = new Int32Array(T);
    this.ringLen = new Int32Array(T);
    this.ringPos = new Int32Array(T);
    this.openCase = new Int32Array(T);
    let off = 0;
    model.triggers.forEach((tr, i) => {
      this.ringStart[i] = off;
      off += tr.count;
    });
    this.ringTime = new Float64Array(off);
    this.ringAct = new Int32Array(off);
    const O = Math.max(1, model.operators.length);
    this.opTime = new Float64Array(O);
    this.opConf = new Float64Array(O);
    this.sortTime = new Float64Array(O);
    this.sortConf = new Float64Array(O);
    this.actorLapseDay = new Float64Array(model.actors.length);
    this.commitLapseDay = new Float64Array(model.commitments.length);
    this.rowLapseDay = new Float64Array(model.responses.reduce((a, r) => a + r.actor.length, 0));
    this.fireKind = model.backgroundKind;
    this.chain = detectionChain(model.kinds[model.advanceKind]!, model.triggers, model.judgment, this.p);
  }

  /** Run one ceasefire and write its record into `out` at `offset`. */
  run(strategy: StrategyRunner, out: Float64Array, offset: number): void {
    this.reset();
    const H = this.H;
    const rng = this.rng;
    const maxBold = this.p['max-boldness'];
    strategy.start(this);
    let t = 0;
    for (; t < H; t++) {
      this.t = t;
      // What the adversary learns today.
      this.bold *= this.boldMul[t]!;
      this.deterred += this.deterAt[t]!;
      if (this.pendHead[t]! >= 0) this.checkImpunity(t);
      if (this.bold > maxBold) this.bold = maxBold;
      if (this.offensiveActive) {
        const tc = this.offStart + this.p['collapse-depth'] / this.offRate;
        if (tc < t && tc < this.offEnd) {
          this.collapse(tc);
          break;
        }
        if (this.offEnd <= t) this.endOffensive();
        else if (this.fireKind >= 0) {
          const n = this.p['offensive-fire'];
          for (let i = 0; i < n; i++) this.commit(this.fireKind, t + rng.next(), true, this.offDeniable);
        }
      }
      if (this.model.backgroundKind >= 0 && rng.next() < this.backgroundP[t]!)
        this.commit(this.model.backgroundKind, t + rng.next(), false, false);
      strategy.day(this, t);
    }
    if (!this.collapsed && this.offensiveActive) {
      const tc = this.offStart + this.p['collapse-depth'] / this.offRate;
      if (tc < H && tc < this.offEnd) this.collapse(tc);
      else this.endOffensive();
    }
    this.finish(out, offset, Math.min(t + 1, H));
  }

  private reset(): void {
    this.bold = 1;
    this.unpunished = 0;
    this.deterred = 0;
    this.offensiveActive = false;
    this.offensives = 0;
    this.collapsed = false;
    this.blindUntil = -1;
    this.nActs = 0;
    this.overflowActs = 0;
    this.overflowDetected = 0;
    this.overflowInWindow = 0;
    this.nCases = 0;
    this.firstMaterial = Infinity;
    this.firstMaterialAfter = Infinity;
    this.firstViolation = -1;
    this.ground = 0;
    this.collapseAt = -1;
    this.boldMul.fill(1);
    this.deterAt.fill(0);
    this.materialAt.fill(Infinity);
    this.pendHead.fill(-1);
    this.ringLen.fill(0);
    this.ringPos.fill(0);
    this.openCase.fill(-1);
    const m = this.model;
    const rng = this.rng;
    // Elections: a commitment or a promise to respond may lapse at each election of the actor that made it.
    for (let a = 0; a < m.actors.length; a++) this.actorLapseDay[a] = lapseDay(rng, m.elections[a]!, m.actorLapse[a]!);
    for (let a = 0; a < m.actors.length; a++) {
      const cs = m.actorContributors[a]!;
      if (cs.length) {
        let all = 0;
        for (const c of cs) all = Math.max(all, this.actorLapseDay[c]!);
        this.actorLapseDay[a] = all;
      }
    }
    for (const r of m.responses) {
      for (let i = 0; i < r.actor.length; i++) {
        // A negative chance: the action has no legal form of its own and lapses with its actor.
        const q = r.lapse[i]!;
        this.rowLapseDay[r.offset + i] =
          q >= 0 ? lapseDay(rng, m.elections[r.actor[i]!]!, q) : this.actorLapseDay[r.actor[i]!]!;
      }
    }
    for (let i = 0; i < m.commitments.length; i++) {
      const c = m.commitments[i]!;
      this.commitLapseDay[i] = lapseDay(rng, m.elections[c.actor]!, c.lapse);
    }
    this.resolve = rng.next();
  }

  /** The adversary denies access and jams until `until`: access-dependent sources see less. */
  blind(until: number): void {
    if (until > this.blindUntil) this.blindUntil = until;
  }

  /**
   * One prohibited act at time `t` (days) of kind `k`. `deniable` acts meet no trigger unless attributed.
   * For an offensive, `depthKm` is the ground it will gain, `rate` its speed and `lifetime` how long it lasts.
   */
  commit(k: number, t: number, deliberate: boolean, deniable: boolean, depthKm = 0, rate = 0, lifetime = 0): void {
    if (this.collapsed) return;
    const m = this.model;
    const kind = m.kinds[k]!;
    if (t < kind.startDay) return;
    const rng = this.rng;
    const p = this.p;
    const act = this.nActs < MAX_ACTS ? this.nActs++ : -1;
    if (act < 0) {
      this.overflowActs++;
      if (t >= this.H - p['erosion-window']) this.overflowInWindow++;
    }
    if (deliberate && (this.firstViolation < 0 || t < this.firstViolation)) this.firstViolation = t;
    if (act >= 0) {
      this.actTime[act] = t;
      this.actCase[act] = -1;
      this.actFlags[act] = deliberate ? 1 : 0;
      this.pendNext[act] = -1;
    }
    // Detection: each source looks at intervals of its revisit while the act stays observable; the first successful
    // look plus the source's latency is when its operator reports.
    const life = lifetime > 0 ? lifetime : kind.persistent ? p['presence-lifetime'] : p['trace-lifetime'];
    const blinded = t < this.blindUntil;
    const ops = kind.srcOperator;
    const nSrc = ops.length;
    for (let j = 0; j < nSrc; j++) {
      this.opTime[ops[j]!] = Infinity;
      this.opConf[ops[j]!] = 0;
    }
    let seen = false;
    for (let j = 0; j < nSrc; j++) {
      let pj = kind.srcP[j]!;
      if (blinded && kind.srcBlindable[j] === 1) pj *= p['blind-factor'];
      if (pj <= 0) continue;
      const revisit = kind.srcRevisit[j]!;
      const R = revisit > 0 ? revisit : kind.persistent ? CONTINUOUS_LOOK : 0;
      let when: number;
      if (R === 0) {
        if (rng.next() >= pj) continue;
        when = t + kind.srcLatency[j]!;
      } else {
        const first = rng.next() * R;
        if (first > life) continue;
        const looks = Math.floor((life - first) / R) + 1;
        const i = pj >= 1 ? 0 : Math.floor(Math.log(1 - rng.next()) / Math.log(1 - pj));
        if (i >= looks) continue;
        when = t + first + i * R + kind.srcLatency[j]!;
      }
      seen = true;
      const o = ops[j]!;
      if (when < this.opTime[o]!) this.opTime[o] = when;
      if (kind.srcConf[j]! > this.opConf[o]!) this.opConf[o] = kind.srcConf[j]!;
    }
    if (!seen) {
      if (act >= 0 && deliberate) this.pend(act, t + p['impunity-window']);
      return;
    }
    if (act >= 0) this.actFlags[act]! |= 2;
    else this.overflowDetected++;
    // Operators that reported, in the order of their reports (insertion sort: a handful of operators).
    let n = 0;
    for (let j = 0; j < nSrc; j++) {
      const o = ops[j]!;
      const tm = this.opTime[o]!;
      if (tm === Infinity) continue;
      this.opTime[o] = Infinity; // take each operator once
      let i = n++;
      while (i > 0 && this.sortTime[i - 1]! > tm) {
        this.sortTime[i] = this.sortTime[i - 1]!;
        this.sortConf[i] = this.sortConf[i - 1]!;
        i--;
      }
      this.sortTime[i] = tm;
      this.sortConf[i] = this.opConf[o]!;
    }
    let attributedAt = t;
    if (deniable) {
      if (lifetime > 0) attributedAt = t + geometricDays(rng, p['offensive-attribution']);
      else if (rng.next() >= p.attribution) attributedAt = Infinity;
    }
    let inCase = false;
    const trigs = kind.triggers;
    for (let x = 0; x < trigs.length; x++) {
      const ti = trigs[x]!;
      const tr = m.triggers[ti]!;
      if (tr.depth > 0 && depthKm < tr.depth) continue;
      // Evidence: k independent operators whose combined confidence (noisy-OR of each operator's best) suffices.
      let q = Infinity;
      let miss = 1;
      for (let i = 0; i < n; i++) {
        miss *= 1 - this.sortConf[i]!;
        if (i + 1 >= tr.sources && 1 - miss >= tr.confidence - 1e-9) {
          q = this.sortTime[i]!;
          break;
        }
      }
      if (q === Infinity) continue;
      if (tr.depth > 0) q = Math.max(q, t + tr.depth / rate);
      if (attributedAt > q) q = attributedAt;
      if (q >= this.H || q === Infinity) continue;
      if (this.qualify(ti, q, act)) inCase = true;
    }
    if (!inCase && act >= 0 && deliberate) this.pend(act, t + p['impunity-window']);
  }

  /** An act met trigger `ti`'s evidence at time `q`: join its open case, or count it toward a new one. */
  private qualify(ti: number, q: number, act: number): boolean {
    const open = this.openCase[ti]!;
    if (open >= 0 && q < this.caseResolve[open]!) {
      if (act >= 0) this.joinCase(act, open);
      return true;
    }
    const tr = this.model.triggers[ti]!;
    const base = this.ringStart[ti]!;
    const cnt = tr.count;
    const pos = this.ringPos[ti]!;
    this.ringTime[base + pos] = q;
    this.ringAct[base + pos] = act;
    this.ringPos[ti] = (pos + 1) % cnt;
    const len = Math.min(cnt, this.ringLen[ti]! + 1);
    this.ringLen[ti] = len;
    if (len < cnt) return false;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < cnt; i++) {
      const v = this.ringTime[base + i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (hi - lo > tr.window) return false;
    const c = this.openCaseAt(ti, hi);
    for (let i = 0; i < cnt; i++) {
      const a = this.ringAct[base + i]!;
      if (a >= 0) this.joinCase(a, c);
    }
    this.ringLen[ti] = 0;
    this.ringPos[ti] = 0;
    return true;
  }

  private joinCase(act: number, c: number): void {
    if (this.actCase[act]! >= 0 && this.casePunished[this.actCase[act]!] === 1) return;
    this.actCase[act] = c;
  }

  /** A trigger fired at `at`: the judgment decides, and a declaration sets off the responses of its severity. */
  private openCaseAt(ti: number, at: number): number {
    const m = this.model;
    const j = m.judgment;
    const p = this.p;
    const rng = this.rng;
    const c = this.nCases < MAX_CASES ? this.nCases++ : MAX_CASES - 1;
    this.openCase[ti] = c;
    let declaredAt = Infinity;
    let resolve: number;
    if (!j.exists) {
      resolve = at + p['impunity-window'];
    } else {
      const u = rng.next();
      if (u < j.pDeclare) declaredAt = at + j.decisionTime;
      else if (u < j.pDeclare + j.pDismiss + j.pDeadlineDeclare) declaredAt = at + j.deadline;
      resolve =
        u < j.pDeclare + j.pDismiss
          ? at + j.decisionTime
          : j.deadline < Infinity
            ? at + j.deadline
            : at + p['impunity-window'];
    }
    let material = Infinity;
    let timely = false;
    const r = m.responses[m.triggers[ti]!.severity]!;
    let last = resolve;
    let started = false;
    for (let i = 0; i < r.actor.length; i++) {
      // An action starts on the declaration, or on the trigger itself when each responder judges for itself.
      const start = r.uponTrigger[i] === 1 ? at : declaredAt;
      if (start === Infinity) continue;
      started = true;
      const due = r.due[i]!;
      if (start + due > last) last = start + due;
      if (this.rowLapseDay[r.offset + i]! <= start) continue;
      let pOn = r.automatic[i] === 1 ? p['auto-on-time'] : p['national-on-time'];
      let pLate = r.automatic[i] === 1 ? p['auto-late'] : p['national-late'];
      const cat = r.category[i]!;
      if (r.material[i] === 1) {
        // A material action is only as deliverable as what sustains it: its own category in full, else the
        // coalition's mean coverage, weighted (assumption).
        const f = cat >= 0 ? this.coverage(cat, start) : 1 - p['shortfall-weight'] * (1 - this.meanCoverage(start));
        pOn *= f;
        pLate *= f;
      }
      const u = rng.next();
      let when: number;
      if (u < pOn) when = start + due;
      else if (u < pOn + pLate) when = start + due + p['late-factor'] * Math.max(due, 1) * -Math.log(1 - rng.next());
      else continue;
      if (r.material[i] === 1 && when < material) {
        material = when;
        timely = u < pOn;
      }
    }
    if (started) resolve = last;
    this.caseDeclared[c] = declaredAt < Infinity ? 1 : 0;
    this.caseResolve[c] = resolve;
    if (material < Infinity) {
      this.casePunished[c] = 1;
      this.scheduleMaterial(material, timely);
    } else this.casePunished[c] = 0;
    return c;
  }

  /** Share of a sustainment category's requirement that unlapsed commitments cover on day `d`. */
  private coverage(cat: number, d: number): number {
    const m = this.model;
    const need = m.requirementPerDay[cat]!;
    if (need <= 0 || d < m.stockDays[cat]!) return 1;
    let have = 0;
    for (let i = 0; i < m.commitments.length; i++) {
      const c = m.commitments[i]!;
      if (c.category === cat && c.start <= d && d < c.end && this.commitLapseDay[i]! > d) have += c.perDay;
    }
    return have >= need ? 1 : have / need;
  }

  /** Mean coverage over the categories with a stated requirement; 1 when there are none. */
  private meanCoverage(d: number): number {
    const m = this.model;
    let sum = 0;
    let n = 0;
    for (let c = 0; c < m.categories.length; c++) {
      if (m.requirementPerDay[c]! <= 0) continue;
      sum += this.coverage(c, d);
      n++;
    }
    return n ? sum / n : 1;
  }

  private scheduleMaterial(when: number, timely: boolean): void {
    if (when < this.firstMaterial) this.firstMaterial = when;
    if (this.firstViolation >= 0 && when >= this.firstViolation && when < this.firstMaterialAfter)
      this.firstMaterialAfter = when;
    if (when >= this.H) return;
    const d = Math.floor(when);
    if (when < this.materialAt[d]!) this.materialAt[d] = when;
    const cut = timely ? this.p.deter : this.p.deter * this.p['late-deter'];
    this.boldMul[d + 1]! *= 1 - cut;
    if (timely) this.deterAt[d + 1]!++;
    // A response halts an offensive under way.
    if (this.offensiveActive && when >= this.offStart && when < this.offEnd) this.offEnd = when;
  }

  private pend(act: number, at: number): void {
    if (at >= this.H) return;
    const d = Math.ceil(at);
    this.pendNext[act] = this.pendHead[d]!;
    this.pendHead[d] = act;
  }

  /** Deliberate acts whose fate the adversary learns today: unpunished ones embolden it. */
  private checkImpunity(day: number): void {
    let a = this.pendHead[day]!;
    this.pendHead[day] = -1;
    const step = this.p.embolden;
    while (a >= 0) {
      const next = this.pendNext[a]!;
      const c = this.actCase[a]!;
      if (c >= 0 && this.caseResolve[c]! > day && this.casePunished[c] === 0) {
        this.pend(a, this.caseResolve[c]!);
      } else if (c < 0 || this.casePunished[c] === 0) {
        this.bold += step;
        this.unpunished++;
      }
      a = next;
    }
  }

  /**
   * What the adversary expects if it attacks on day `t` (docs/simulation.md, the detection chain): the chance that the
   * advance is evidenced in time for a trigger (src/core/sim/detection.ts; blinded sources while it blinds them; a
   * deniable advance attributed in time), times, for actions started by a declaration, the chance of a declaration in
   * time, times the chance that at least one material action arrives, each weighted by what it costs an attacker
   * (actionWeight), the legal form behind its actor's promise (formWeight), that actor not having lapsed, and the
   * sustainment behind it. The best trigger counts.
   */
  credibility(t: number, deniable = false): number {
    return this.credibilityChain(t, deniable, undefined);
  }

  /** The chain's links on day 0, before any promise has lapsed or any source is blinded (for the report). */
  credibilityAtStart(): CredibilityLinks {
    this.rowLapseDay.fill(Infinity);
    this.commitLapseDay.fill(Infinity);
    this.blindUntil = -1;
    const out: CredibilityLinks = {
      trigger: '',
      seen: 0,
      declared: 0,
      answeredOnDeclaration: 0,
      answeredUponTrigger: 0,
      credibility: 0,
    };
    this.credibilityChain(0, false, out);
    return out;
  }

  /**
   * The same, and when `out` is given, the links of the best trigger written into it: what the report shows so an
   * analyst can see which link holds a package's deterrence back.
   */
  credibilityChain(t: number, deniable: boolean, out: CredibilityLinks | undefined): number {
    const m = this.model;
    const chain = this.chain;
    // Detection gates everything downstream: seen by enough sources in time, declared in time, then answered.
    const pDeclared = chain.declared;
    const seen = t < this.blindUntil ? chain.seenBlinded : chain.seen;
    const attributed = deniable ? chain.attributed : 1;
    const p = this.p;
    let best = 0;
    const trigs = m.kinds[m.advanceKind]!.triggers;
    for (let x = 0; x < trigs.length; x++) {
      const evidenced = seen[trigs[x]!]! * attributed;
      if (evidenced <= 0) continue;
      const r = m.responses[m.triggers[trigs[x]!]!.severity]!;
      // Actions started by a declaration share its chance; actions started by the trigger need none.
      let noneDeclared = 1;
      let noneTriggered = 1;
      for (let i = 0; i < r.actor.length; i++) {
        const w = r.weight[i]!;
        if (w === 0 || this.rowLapseDay[r.offset + i]! <= t) continue;
        let deliver =
          r.automatic[i] === 1 ? p['auto-on-time'] + p['auto-late'] : p['national-on-time'] + p['national-late'];
        const cat = r.category[i]!;
        deliver *= cat >= 0 ? this.coverage(cat, t) : 1 - p['shortfall-weight'] * (1 - this.meanCoverage(t));
        const form = r.formWeight[i]! >= 0 ? r.formWeight[i]! : m.actorForm[r.actor[i]!]!;
        if (r.uponTrigger[i] === 1) noneTriggered *= 1 - deliver * w * form;
        else noneDeclared *= 1 - deliver * w * form;
      }
      const c = evidenced * (1 - (1 - pDeclared * (1 - noneDeclared)) * noneTriggered);
      if (c > best) {
        best = c;
        if (out) {
          out.trigger = m.triggers[trigs[x]!]!.id;
          out.seen = evidenced;
          out.declared = pDeclared;
          out.answeredOnDeclaration = 1 - noneDeclared;
          out.answeredUponTrigger = 1 - noneTriggered;
        }
      }
    }
    if (out) out.credibility = best;
    return best;
  }

  /**
   * Whether an adversary whose strategy calls for an offensive on day `t` goes ahead: it attacks when its resolve,
   * drawn once per run, is below min(1, boldness) x (1 - `deterrence-weight` x credibility), times
   * (1 - `peacekeeping`) when third-party personnel are on the ground (presence.ts). Drawn once, so reconsidering
   * later changes the answer only when boldness or credibility has changed (a punishment, a lapse, a shortfall), not
   * by a fresh throw of the dice.
   */
  decidesToAttack(t: number, deniable = false): boolean {
    const b = this.bold > 1 ? 1 : this.bold;
    const present = this.model.presence.length > 0 ? 1 - this.p.peacekeeping : 1;
    return this.resolve < b * present * (1 - this.p['deterrence-weight'] * this.credibility(t, deniable));
  }

  /** Launch an offensive at `t`. */
  launchOffensive(t: number, deniable: boolean): void {
    if (this.offensiveActive || this.collapsed || t >= this.H) return;
    const p = this.p;
    const rng = this.rng;
    const v = this.model.advanceRate * Math.exp(p['advance-spread'] * normal(rng));
    let end = Math.min(t + p['offensive-days'], t + geometricDays(rng, p['defence-halt']));
    // A material response already on its way halts it too.
    for (let d = Math.max(0, Math.floor(t)); d < this.H && d < end; d++) {
      const w = this.materialAt[d]!;
      if (w >= t && w < end) {
        end = w;
        break;
      }
    }
    this.offensiveActive = true;
    this.offensives++;
    this.offStart = t;
    this.offRate = v;
    this.offEnd = end;
    this.offDeniable = deniable;
    this.commit(this.model.advanceKind, t, true, deniable, v * (end - t), v, end - t);
  }

  /** Ground taken by creeping below a depth trigger (salami). */
  addGround(km: number): void {
    this.ground += km;
  }

  private endOffensive(): void {
    this.ground += this.offRate * (Math.min(this.offEnd, this.H) - this.offStart);
    this.offensiveActive = false;
  }

  private collapse(at: number): void {
    this.collapsed = true;
    this.collapseAt = at;
    this.endOffensive();
  }

  private finish(out: Float64Array, o: number, days: number): void {
    let committed = this.overflowActs;
    let detected = this.overflowDetected;
    let declared = 0;
    let punished = 0;
    let windowUnpunished = this.overflowInWindow;
    const from = this.H - this.p['erosion-window'];
    for (let a = 0; a < this.nActs; a++) {
      committed++;
      const f = this.actFlags[a]!;
      if (f & 2) detected++;
      const c = this.actCase[a]!;
      const isDeclared = c >= 0 && this.caseDeclared[c] === 1;
      const isPunished = c >= 0 && this.casePunished[c] === 1;
      if (isDeclared) declared++;
      if (isPunished) punished++;
      if (!isPunished && this.actTime[a]! >= from) windowUnpunished++;
    }
    out[o + F.outcome] = this.collapsed
      ? Outcome.Collapse
      : windowUnpunished >= this.p['erosion-threshold']
        ? Outcome.Erode
        : Outcome.Hold;
    out[o + F.responseDelay] =
      this.firstViolation < 0
        ? -2
        : this.firstMaterialAfter < this.H
          ? this.firstMaterialAfter - this.firstViolation
          : -1;
    out[o + F.groundKm] = this.ground;
    out[o + F.committed] = committed;
    out[o + F.detected] = detected;
    out[o + F.declared] = declared;
    out[o + F.punished] = punished;
    out[o + F.collapseDay] = this.collapseAt;
    out[o + F.days] = days;
    out[o + F.firstViolation] = this.firstViolation;
    out[o + F.cases] = this.nCases;
    out[o + F.offensives] = this.offensives;
  }
}

/** Whole days until an event of daily probability `p` happens, plus a uniform fraction of the day. */
function geometricDays(rng: Xoshiro128, p: number): number {
  if (p <= 0) return Infinity;
  if (p >= 1) return rng.next();
  return Math.floor(Math.log(1 - rng.next()) / Math.log(1 - p)) + rng.next();
}

/**
 * The day a promise lapses: the first of its actor's elections at which it lapses, each with chance `q`, drawn in
 * order; never (Infinity) when `q` is 0. The one place the lapse draws are made, so their order stays fixed per seed.
 */
function lapseDay(rng: Xoshiro128, elections: readonly number[], q: number): number {
  if (q > 0) {
    for (const e of elections) if (rng.next() < q) return e;
  }
  return Infinity;
}
