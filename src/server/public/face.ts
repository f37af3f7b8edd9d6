/**
 * The public face of one server: the projector, the live feed's hub and the webhook dispatcher, started when the
 * app is ready and stopped when it closes (docs/operations/public.md). Every server runs all three; the store's
 * locks decide which server projects and which sends each webhook, and where one server owns the ingest the others
 * project and claim webhooks only on standby (standby.ts).
 */
import type { Clock } from '../../core/ops/index.js';
import type { PublicStore } from '../../core/ports/public.js';
import type { Store } from '../../core/ports/store.js';
import type { LoadedPackage } from '../../core/spec/load.js';
import type { CaseworkService } from '../casework.js';
import { FeedHub, type FeedOptions } from './feed.js';
import { Projector, type ProjectorOptions } from './projector.js';
import { publicStoreFor } from '../../store/public-store.js';
import { WebhookDispatcher, type WebhookOptions } from './webhooks.js';
import type { IngestRouting } from '../ingest-forward.js';
import { passGate, standingBy } from '../standby.js';

export interface PublicOptions extends ProjectorOptions {
  /** ms between projector passes; default 250. */
  tick?: number;
  /** ms between webhook claims; default 500. */
  webhookTick?: number;
  /** false: no background passes (tests drive `tick()`); default true. */
  background?: boolean;
  feed?: FeedOptions;
  webhooks?: WebhookOptions;
  /** ms a feed event is kept for resuming clients and webhooks; default 30 days. */
  retain?: number;
  /** ms between prunes of older feed events; default 1 hour (and once at start). */
  pruneEvery?: number;
}

const faces = new WeakMap<Store, PublicFace>();

/** The public face the app built over this store (tests drive it). */
export function publicFaceOf(store: Store): PublicFace | undefined {
  return faces.get(store);
}

export class PublicFace {
  readonly ps: PublicStore;
  readonly projector: Projector;
  readonly hub: FeedHub;
  readonly webhooks: WebhookDispatcher;
  #timers: NodeJS.Timeout[] = [];
  #unlisten: (() => Promise<void>) | undefined;
  #projecting: Promise<number> | undefined;
  #log: (err: unknown, what: string) => void;

  constructor(
    readonly store: Store,
    casework: CaseworkService,
    readonly clock: Clock,
    loaded: LoadedPackage | undefined,
    readonly options: PublicOptions = {},
    log: (err: unknown, what: string) => void = () => undefined,
    readonly routing?: IngestRouting,
  ) {
    this.ps = publicStoreFor(store);
    this.projector = new Projector(store, this.ps, casework, clock, loaded, options);
    this.hub = new FeedHub(this.ps, options.feed);
    this.webhooks = new WebhookDispatcher(this.ps, clock, options.webhooks);
    this.#log = log;
    faces.set(store, this);
  }

  async start(): Promise<void> {
    await this.hub.start();
    if (this.ps.listen) this.#unlisten = await this.ps.listen(() => void this.hub.wake());
    if (this.options.background === false) return;
    const every = (ms: number, f: () => Promise<unknown>, what: string) => {
      let running = false;
      const due = passGate(this.routing);
      const t = setInterval(() => {
        if (running || !due()) return;
        running = true;
        f()
          .catch((err: unknown) => this.#log(err, what))
          .finally(() => (running = false));
      }, ms);
      t.unref();
      this.#timers.push(t);
    };
    every(this.options.tick ?? 250, () => this.project(standingBy(this.routing)), 'projector pass failed');
    every(this.options.webhookTick ?? 500, () => this.webhooks.run(), 'webhook pass failed');
    every(this.options.pruneEvery ?? 3_600_000, () => this.prune(), 'feed prune failed');
    void this.prune().catch((err: unknown) => this.#log(err, 'feed prune failed'));
  }

  /** One projector run (shared by concurrent callers), then the hub reads what it published. */
  project(standby = false): Promise<number> {
    this.#projecting ??= (standby ? this.projector.runStandby() : this.projector.run())
      .then(async (n) => {
        if (n > 0) await this.hub.wake();
        return n;
      })
      .finally(() => (this.#projecting = undefined));
    return this.#projecting;
  }

  /** Deletes feed events older than the retention period (those a webhook still needs stay); returns how many. */
  prune(): Promise<number> {
    return this.ps.pruneFeed(this.clock.now() - (this.options.retain ?? 30 * 86_400_000));
  }

  /** Projects, feeds, and sends due webhooks, waiting for them: what a background tick does, for tests. */
  async tick(): Promise<number> {
    const n = await this.project();
    await this.hub.wake();
    await this.webhooks.run();
    await this.webhooks.settle();
    return n;
  }

  async stop(): Promise<void> {
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
    this.hub.stop();
    this.webhooks.stop();
    await this.#unlisten?.();
    await this.#projecting?.catch(() => undefined);
    await this.webhooks.settle();
  }
}
