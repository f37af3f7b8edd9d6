/**
 * Runs async tasks one at a time, in arrival order. On SQLite it orders the ingest's prepare step (each batch is
 * prepared against the ones before it); on PostgreSQL it keeps one server from queueing many transactions on the
 * advisory lock (they would only wait there, holding pool connections).
 */
export class WriteQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task, task);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
