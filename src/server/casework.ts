/**
 * Casework as the server runs it: the pure transitions of `core/ops/casework.ts` applied through the casework store,
 * on the server's clock. Every call first catches up: stored case openings get their case file, and every timer that
 * fell due (while the server was busy, or down) fires once, in order, before the call looks at a case.
 */
import { randomBytes } from 'node:crypto';
import { caseTimeline, type CaseTimeline, type EvidenceEntry } from '../core/ops/index.js';
import { requestInspection, type InspectionInput } from '../core/ops/index.js';
import {
  acknowledgeCaseTask,
  casePlans,
  deliverCaseTask,
  fireTimer,
  fromCaseOpening,
  openCase,
  voteOnCase,
  type CaseFile,
  type CasePlans,
  type CaseTaskResult,
} from '../core/ops/index.js';
import type { Clock } from '../core/ops/index.js';
import { judgmentView, type JudgmentView, type Rejection, type VoteRecord } from '../core/ops/index.js';
import type { ResponseFailure } from '../core/ops/index.js';
import type { Timer } from '../core/ops/index.js';
import { parseMemberKey, verifyVote, type SignedVote, type VoteRejectionCode } from '../core/ops/index.js';
import {
  NonceReplayError,
  type CaseBoardQuery,
  type CaseworkStore,
  type MemberKey,
  type MemberKeyRegistration,
  type TimerRestore,
} from '../core/ports/casework.js';
import type { CaseOpening } from '../core/ops/index.js';
import type { Store } from '../core/ports/store.js';
import type { Package } from '../core/spec/schema.js';

export type VoteOutcome =
  | { ok: true; vote: VoteRecord; judgment: JudgmentView }
  | { ok: false; status: number; code: VoteRejectionCode | Rejection['code'] | 'not-found'; message: string };

export interface CaseworkOptions {
  /** Accepted distance between a vote's signing time and the server clock (ms). */
  voteWindow?: number;
}

const verifyStatus: Record<VoteRejectionCode, number> = {
  malformed: 400,
  'not-canonical': 400,
  'wrong-package': 400,
  'wrong-case': 400,
  stale: 400,
  'unknown-member': 403,
  'wrong-member': 403,
  'bad-signature': 403,
  replayed: 409,
};

export class CaseworkService {
  readonly plans: CasePlans;
  #catching: Promise<Timer[]> | undefined;
  #queued: Promise<Timer[]> | undefined;

  constructor(
    readonly store: CaseworkStore,
    readonly pkg: Package,
    readonly clock: Clock,
    readonly options: CaseworkOptions = {},
  ) {
    this.plans = casePlans(pkg);
  }

  /**
   * At start: the timers table rebuilt from the log (docs/operations/judgment.md, "Timers come from the log"), so a
   * deleted or altered row cannot cancel a default or an escalation.
   */
  async restore(): Promise<TimerRestore> {
    return this.store.restoreTimers(this.clock.now());
  }

  /**
   * Adopts new cases and fires every due timer, in order. A caller must see everything stored before its call, so
   * one that arrives while a pass runs (which may have read the store before that) waits for a fresh pass after it;
   * every caller arriving meanwhile shares that one.
   */
  catchUp(): Promise<Timer[]> {
    if (!this.#catching) {
      this.#catching = this.#catchUp().finally(() => (this.#catching = undefined));
      return this.#catching;
    }
    this.#queued ??= this.#catching
      .catch(() => undefined)
      .then(() => {
        this.#queued = undefined;
        return this.catchUp();
      });
    return this.#queued;
  }

  async #catchUp(): Promise<Timer[]> {
    await this.store.adoptCases((c) => openCase(this.plans, fromCaseOpening(c)));
    const fired: Timer[] = [];
    const now = this.clock.now();
    for (;;) {
      const some = await this.store.firePass(now, (file, timer) => fireTimer(this.plans, file, timer));
      if (!some.length) return fired;
      fired.push(...some);
    }
  }

  async file(caseId: string): Promise<CaseFile | undefined> {
    await this.catchUp();
    return this.store.getCaseFile(caseId);
  }

  async view(caseId: string): Promise<JudgmentView | undefined> {
    const f = await this.file(caseId);
    return f && this.#view(f);
  }

  #view(f: CaseFile): JudgmentView {
    const plan = this.plans.judgment;
    if (plan) return judgmentView(plan, f.judgment, this.clock.now());
    return caseTimeline(undefined, f, this.clock.now()).judgment;
  }

  /**
   * Cases with their clocks, sorted, filtered and paged in the store (CaseBoardQuery): each with its judgment view
   * and the case as opened (trigger, party, evidence).
   */
  async board(
    q: Omit<CaseBoardQuery, 'severities'>,
  ): Promise<{ items: (JudgmentView & { case: CaseOpening })[]; total: number; next?: string }> {
    await this.catchUp();
    const page = await this.store.listCaseBoard({ ...q, severities: this.pkg.severities ?? [] });
    return {
      items: page.items.map(({ opening, file }) => ({ ...this.#view(file), case: opening })),
      total: page.total,
      ...(page.next ? { next: page.next } : {}),
    };
  }

  /** Who may vote, and so hold a member key: the judgment body's members, and a casting actor outside it. */
  get voters(): readonly string[] {
    const j = this.plans.judgment;
    if (!j) return [];
    const tb = j.rule.tieBreak;
    return tb?.kind === 'actor' && !j.members.includes(tb.actor) ? [...j.members, tb.actor] : j.members;
  }

  async memberKeys(): Promise<Map<string, string[]>> {
    // Only keys on the record: registered through the API, or from the configuration at start (configureMemberKeys).
    const keys = new Map<string, string[]>();
    for (const k of await this.store.listMemberKeys())
      if (k.revokedAt === undefined) keys.set(k.member, [...(keys.get(k.member) ?? []), k.publicKey]);
    return keys;
  }

  async registerKey(k: MemberKey, rotate: boolean): Promise<MemberKeyRegistration> {
    return this.store.registerMemberKey(k, rotate);
  }

  /**
   * Member keys given in the server's configuration, registered at start exactly as through the API (the same
   * rules, the same `member-key` entry in the same transaction), so a configured key is on the record and `log audit`
   * holds it to the log like any other. A key already registered for its member is left as it is. Returns one
   * problem per key refused (not a voter, not an Ed25519 public key, the member holds another key, the key was
   * another member's or revoked), naming it by member and fingerprint, never echoing the text.
   */
  async configureMemberKeys(
    keys: readonly { member: string; publicKey: string; source: string }[],
    now: number,
  ): Promise<{ added: string[]; problems: string[] }> {
    const added: string[] = [];
    const problems: string[] = [];
    for (const k of keys) {
      if (!this.voters.includes(k.member)) {
        problems.push(
          `${k.source}: ${JSON.stringify(k.member)} is not a member of the judgment body (members: ${this.voters.join(', ') || 'none'})`,
        );
        continue;
      }
      const parsed = parseMemberKey(k.publicKey);
      if (!parsed.ok) {
        problems.push(`${k.source}: ${k.member}'s key ${parsed.reason}`);
        continue;
      }
      const r = await this.store.registerMemberKey(
        { member: k.member, fingerprint: parsed.fingerprint, publicKey: parsed.pem, createdAt: now },
        false,
      );
      if (r.ok) {
        if (r.added) added.push(`${k.member} ${parsed.fingerprint}`);
      } else
        problems.push(
          r.reason === 'member-has-key'
            ? `${k.source}: ${k.member} already holds another active key (${r.active.fingerprint}); rotate it through the API (POST /v1/members/${k.member}/keys with rotate: true) or configure that key`
            : `${k.source}: the key ${parsed.fingerprint} was registered before${r.holder.member === k.member ? ` for ${k.member} and revoked` : ` for ${r.holder.member}`}; a key belongs to one member, and a revoked key is never registered again`,
        );
    }
    return { added, problems };
  }

  /** Verifies a signed vote from `caller` (the API key's actor) and casts it; the nonce is consumed with the vote. */
  async vote(caseId: string, signed: unknown, caller: string): Promise<VoteOutcome> {
    await this.catchUp();
    const now = this.clock.now();
    const v = verifyVote(signed, {
      package: this.plans.package,
      version: this.plans.version,
      caseId,
      caller,
      keys: await this.memberKeys(),
      now,
      ...(this.options.voteWindow === undefined ? {} : { window: this.options.voteWindow }),
      seen: () => false, // the unique nonce insert in the vote's transaction decides, race-free
    });
    if (!v.ok) return { ok: false, status: verifyStatus[v.code], code: v.code, message: v.message };
    const s = v.statement;
    try {
      return await this.store.updateCase<VoteOutcome>(caseId, (file) => {
        if (!file) return { result: { ok: false, status: 404, code: 'not-found', message: `no case ${caseId}` } };
        const r = voteOnCase(this.plans, file, {
          member: s.member,
          choice: s.choice,
          at: now,
          ...(s.reason ? { reason: s.reason } : {}),
          statement: v.digest,
          // The statement and signature go on the record, so anyone can check the member cast this vote; sealed in
          // the log by a fresh salt until the case is decided (docs/tlog.md, "Sealed entries").
          signed: { statement: (signed as SignedVote).statement, signature: (signed as SignedVote).signature },
          salt: randomBytes(16).toString('hex'),
        });
        const nonce = { nonce: s.nonce, member: s.member, digest: v.digest, receivedAt: now };
        const result: VoteOutcome = r.ok
          ? { ok: true, vote: r.vote, judgment: this.#view(r.file) }
          : {
              ok: false,
              status: r.rejection.code === 'recused' || r.rejection.code === 'not-a-member' ? 403 : 409,
              code: r.rejection.code,
              message: r.rejection.message,
            };
        return { step: r, nonce, result };
      });
    } catch (e) {
      if (e instanceof NonceReplayError) return { ok: false, status: 409, code: 'replayed', message: e.message };
      throw e;
    }
  }

  async acknowledge(caseId: string, taskId: string, actor: string): Promise<CaseTaskResult | undefined> {
    return this.#task(caseId, (f, now) => acknowledgeCaseTask(f, taskId, actor, now));
  }

  async deliver(
    caseId: string,
    taskId: string,
    actor: string,
    report: { note: string; evidence?: readonly string[] },
  ): Promise<CaseTaskResult | undefined> {
    return this.#task(caseId, (f, now) => deliverCaseTask(f, taskId, actor, now, report));
  }

  async #task(caseId: string, f: (file: CaseFile, now: number) => CaseTaskResult): Promise<CaseTaskResult | undefined> {
    await this.catchUp();
    const now = this.clock.now();
    return this.store.updateCase<CaseTaskResult | undefined>(caseId, (file) => {
      if (!file) return { result: undefined };
      const r = f(file, now);
      return r.ok ? { step: { file: r.file, timers: [] }, result: r } : { result: r };
    });
  }

  /**
   * A party's request for an inspection (core/ops/inspection.ts): a new case file with the verifying body's task and
   * its due timer, in one transaction. The same request sent again finds the file it made (`created: false`).
   */
  async requestInspection(
    i: Omit<InspectionInput, 'at'>,
  ): Promise<{ ok: true; file: CaseFile; created: boolean } | { ok: false; field: string; message: string }> {
    await this.catchUp();
    const r = requestInspection(this.pkg, { ...i, at: this.clock.now() });
    if (!r.ok) return r;
    const made = r.step.file;
    return this.store.updateCase<{ ok: true; file: CaseFile; created: boolean }>(made.caseId, (file) =>
      file
        ? { result: { ok: true, file, created: false } }
        : { step: r.step, result: { ok: true, file: made, created: true } },
    );
  }

  /** Inspection requests, oldest first; `requestedBy` keeps a party to its own. */
  async inspections(limit: number, requestedBy?: string): Promise<CaseFile[]> {
    await this.catchUp();
    return (await this.store.listCaseFiles({ limit: 1_000_000 }))
      .filter(
        (f) => f.inspection !== undefined && (requestedBy === undefined || f.inspection.requestedBy === requestedBy),
      )
      .slice(0, limit);
  }

  async timeline(caseId: string, evidence: readonly EvidenceEntry[] = []): Promise<CaseTimeline | undefined> {
    const f = await this.file(caseId);
    return f && caseTimeline(this.plans.judgment, f, this.clock.now(), evidence);
  }

  async failures(): Promise<ResponseFailure[]> {
    await this.catchUp();
    return this.store.listFailures();
  }
}

const services = new WeakMap<Store, CaseworkService>();

/** The casework service over the operations store's database: one per store. */
export function caseworkFor(store: Store, pkg: Package, clock: Clock, options?: CaseworkOptions): CaseworkService {
  let s = services.get(store);
  if (!s) {
    s = new CaseworkService(store.casework(), pkg, clock, options);
    services.set(store, s);
  }
  return s;
}
