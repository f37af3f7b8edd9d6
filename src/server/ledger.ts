/**
 * The sustainment ledger as the server runs it: the pure core (`core/ledger`) over the ledger store, on the
 * server's clock. The service keeps a `LedgerIndex` in memory and folds in only records stored since it last looked
 * (by seq), so a view costs pledges x months whatever the number of deliveries. Alerts are derived from the package,
 * the index and the clock's month, and synced to the store under its write lock; when another server wrote to the
 * ledger in between, the sync is refused as stale and the service folds in the new records and derives again.
 */
import { acknowledgeAlert, alertTransitions, deriveAlerts, type SustainmentAlert } from '../core/ledger/alerts.js';
import { LedgerIndex } from '../core/ledger/state.js';
import { forbiddenItems, parseDeliveryBatch, parsePledgeBatch } from '../core/ledger/validate.js';
import { liveSustainment, type LiveSustainment } from '../core/ledger/view.js';
import type { Clock } from '../core/ops/index.js';
import {
  LedgerConflictError,
  type AlertFilter,
  type LedgerAppendResult,
  type LedgerStore,
} from '../core/ports/ledger.js';
import type { Store } from '../core/ports/store.js';
import type { Package } from '../core/spec/schema.js';
import { ledgerStoreFor } from '../store/ledger-store.js';
import { HttpError, type Problem } from './errors.js';
import { someOf } from './words.js';
import { itemAt } from '../core/item-at.js';

/** Problems listed in one answer; the rest are counted (bounds the reply to a hostile batch). */
const maxProblems = 1000;
const page = 10_000;

export interface LedgerSubmitResult extends LedgerAppendResult {
  /** Alerts raised or resolved because of this batch. */
  alerts: { raised: number; resolved: number };
}

export class LedgerService {
  #index: LedgerIndex;
  #refreshing: Promise<void> | undefined;
  #evaluating: Promise<SustainmentAlert[]> | undefined;

  constructor(
    readonly store: LedgerStore,
    readonly pkg: Package,
    readonly clock: Clock,
    readonly options: { maxFuture?: number } = {},
  ) {
    this.#index = new LedgerIndex(pkg);
  }

  /** Folds in every record stored since the last look; concurrent callers share one pass. */
  refresh(): Promise<void> {
    this.#refreshing ??= (async () => {
      for (;;) {
        const more = await this.store.ledgerSince(this.#index.seq, page);
        this.#index.add(more);
        if (more.length < page) return;
      }
    })().finally(() => (this.#refreshing = undefined));
    return this.#refreshing;
  }

  async index(): Promise<LedgerIndex> {
    await this.refresh();
    return this.#index;
  }

  async view(): Promise<LiveSustainment> {
    await this.refresh();
    return liveSustainment(this.pkg, this.#index, this.clock.now());
  }

  /** Validates a batch all or nothing and stores it; throws `HttpError` (403, 400, 409) naming items and fields. */
  async submit(
    kind: 'pledges' | 'deliveries',
    items: readonly unknown[],
    actor: string,
    keyId: string,
  ): Promise<LedgerSubmitResult> {
    const noun = kind === 'pledges' ? 'pledge or withdrawal' : 'delivery';
    const forbidden = forbiddenItems(items, actor);
    if (forbidden.length) {
      throw new HttpError(403, {
        error: 'forbidden-guarantor',
        message: `a key acting for ${actor} reports only for ${actor}; nothing was stored`,
        ...cut(forbidden),
      });
    }
    await this.refresh();
    const now = this.clock.now();
    const rules = {
      pkg: this.pkg,
      now,
      ...(this.options.maxFuture !== undefined ? { maxFuture: this.options.maxFuture } : {}),
    };
    const parsed =
      kind === 'pledges' ? parsePledgeBatch(items, rules, this.#index) : parseDeliveryBatch(items, rules, this.#index);
    if (!parsed.ok) {
      const bad = new Set(parsed.errors.map((e) => e.index)).size;
      throw new HttpError(400, {
        error: `invalid-${kind}`,
        message: `${someOf(bad, items.length, `${noun} item`)} invalid; nothing was stored`,
        ...cut(parsed.errors),
      });
    }
    let stored: LedgerAppendResult;
    try {
      stored = await this.store.appendLedger(parsed.records, { recordedAt: now, submittedBy: keyId });
    } catch (e) {
      if (e instanceof LedgerConflictError) {
        throw new HttpError(409, {
          error: 'id-conflict',
          message: `${e.message}; nothing was stored`,
          problems: [
            {
              index: e.index,
              path: 'id',
              reason: 'is already the id of another record; records are never edited (supersede or withdraw instead)',
            },
          ],
        });
      }
      throw e;
    }
    // An evaluation already under way may have read the ledger before this batch: wait for it, then derive afresh.
    await this.#evaluating?.catch(() => undefined);
    const changes = await this.evaluate();
    return {
      ...stored,
      alerts: {
        raised: changes.filter((a) => a.state === 'open').length,
        resolved: changes.filter((a) => a.state === 'resolved').length,
      },
    };
  }

  /** Derives the alerts that hold now and syncs them to the store; returns the changes. Concurrent callers share. */
  evaluate(): Promise<SustainmentAlert[]> {
    this.#evaluating ??= this.#evaluate().finally(() => (this.#evaluating = undefined));
    return this.#evaluating;
  }

  async #evaluate(): Promise<SustainmentAlert[]> {
    for (let attempt = 0; ; attempt++) {
      await this.refresh();
      const now = this.clock.now();
      const index = this.#index;
      const view = liveSustainment(this.pkg, index, now);
      const holding = deriveAlerts(this.pkg, index, view, now);
      const month = itemAt(view.months, Math.max(0, Math.min(view.months.length - 1, index.monthIndex(now))));
      const r = await this.store.syncAlerts(index.seq, (stored) => alertTransitions(stored, holding, now, month));
      if (r !== 'stale') return r;
      if (attempt >= 20) throw new Error('the ledger kept moving while alerts were derived; try again');
    }
  }

  async alerts(q: AlertFilter): Promise<SustainmentAlert[]> {
    await this.evaluate();
    return this.store.listAlerts(q);
  }

  /** open -> acknowledged, by a key acting for `actor` (a guarantor only for alerts that name it). */
  async acknowledge(key: string, actor: string, keyId: string): Promise<{ alert: SustainmentAlert; changed: boolean }> {
    const now = this.clock.now();
    const a = await this.store.getAlert(key);
    if (!a)
      throw new HttpError(404, {
        error: 'not-found',
        message: `no alert ${key}`,
        problems: [{ path: 'key', reason: 'is not the key of a stored alert' }],
      });
    if (actor !== '*' && a.guarantor !== actor)
      throw new HttpError(403, {
        error: 'forbidden-guarantor',
        message: `alert ${key} is about ${a.guarantor ?? 'no guarantor'}; this key acts for ${actor}`,
        problems: [{ path: 'key', reason: `names ${a.guarantor ?? 'no guarantor'}` }],
      });
    const r = await this.store.updateAlert(key, (x) => acknowledgeAlert(x, `${actor}/${keyId}`, now));
    if (!r) throw new HttpError(404, { error: 'not-found', message: `no alert ${key}` });
    return r;
  }
}

function cut(problems: readonly Problem[]): { problems: Problem[]; problemCount?: number } {
  return problems.length > maxProblems
    ? { problems: problems.slice(0, maxProblems), problemCount: problems.length }
    : { problems: [...problems] };
}

const services = new WeakMap<Store, LedgerService>();

/** The ledger service over the operations store's database: one per store. */
export function ledgerFor(store: Store, pkg: Package, clock: Clock, options?: { maxFuture?: number }): LedgerService {
  let s = services.get(store);
  if (!s) {
    s = new LedgerService(ledgerStoreFor(store), pkg, clock, options);
    services.set(store, s);
  }
  return s;
}
