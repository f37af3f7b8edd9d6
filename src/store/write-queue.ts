/**
 * Runs async tasks one at a time, in arrival order. better-sqlite3 has one connection and a transaction must not
 * interleave with another request's while the pipeline awaits; on PostgreSQL the queue keeps one server from
 * queueing many transactions on the advisory lock (they would only wait there, holding pool connections).
 */
export class WriteQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task, task);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
