/**
 * Group commit for ingest: batches that arrive while a transaction runs wait, then go into the next transaction
 * together, each processed in turn (so each sees the ones before it) and all committed at once. One COMMIT, one
 * log append and one pass over the indexes' hot pages serve several batches; with two batches per transaction the
 * store's CPU per observation fell by about a fifth (bench/ingest-cpu.ts with BATCH=1000 against 500). Nothing waits
 * on purpose: a batch that finds the store idle starts at once, so a lone sender sees no added latency.
 *
 * Each batch keeps its own all-or-nothing: if a group fails (a bug, a constraint, the disk), the transaction is
 * rolled back and every batch in it is run again alone, so only the batch at fault is refused.
 */
import type { Observation } from '../core/ops/index.js';
import type { BatchProcessor, IngestMeta, IngestResult } from '../core/ports/store.js';
import type { WriteQueue } from './write-queue.js';
import { itemAt } from '../core/item-at.js';

export interface IngestRequest {
  observations: readonly Observation[];
  meta: IngestMeta;
  process: BatchProcessor;
  /** The observations' documents (canonical JSON), serialised before the batch waits for its transaction. */
  docs: readonly string[];
}

/**
 * Runs requests in one transaction, in order; resolves with one result per request (those of `more` after the
 * group's), or throws having rolled back. `more()` hands over the requests that arrived since the group formed, up to
 * the group's limit: a store that waits for a lock asks once it holds it, so batches that arrived during the wait
 * (another server's transaction) join this one rather than wait for a transaction of their own.
 */
export type GroupRunner = (
  group: readonly IngestRequest[],
  more: () => readonly IngestRequest[],
) => Promise<IngestResult[]>;

interface Pending {
  request: IngestRequest;
  resolve: (r: IngestResult) => void;
  reject: (e: unknown) => void;
}

export class GroupCommit {
  #pending: Pending[] = [];
  #scheduled = false;

  constructor(
    readonly queue: WriteQueue,
    readonly run: GroupRunner,
    /** A group stops growing past this many observations (bounds a transaction's length, and so the wait). */
    readonly maxObservations = 2_000,
  ) {}

  submit(request: IngestRequest): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ request, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    // One turn of the event loop first: the store's work is synchronous and blocks it, so batches that arrived
    // during the last transaction are still unread in their sockets. setImmediate runs after the poll phase has
    // read, parsed and submitted them, and they join this group. A lone batch waits only that one turn.
    void this.queue.run(() => new Promise<void>((resolve) => setImmediate(() => resolve(this.#drain()))));
  }

  async #drain(): Promise<void> {
    this.#scheduled = false;
    const group: Pending[] = [];
    let size = 0;
    const take = (): IngestRequest[] => {
      const added: IngestRequest[] = [];
      for (
        let p = this.#pending[0];
        p && (group.length === 0 || size + p.request.observations.length <= this.maxObservations);
        p = this.#pending[0]
      ) {
        this.#pending.shift();
        size += p.request.observations.length;
        group.push(p);
        added.push(p.request);
      }
      return added;
    };
    take();
    if (this.#pending.length) this.#schedule();
    if (!group.length) return;
    try {
      const results = await this.run(
        group.map((p) => p.request),
        () => (this.#pending.length ? take() : []),
      );
      group.forEach((p, i) => p.resolve(itemAt(results, i)));
    } catch (e) {
      if (group.length === 1) return itemAt(group, 0).reject(e);
      for (const p of group) {
        try {
          p.resolve(itemAt(await this.run([p.request], () => []), 0));
        } catch (alone) {
          p.reject(alone);
        }
      }
    }
  }
}
