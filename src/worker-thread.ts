/** Starting a worker thread whose entry file sits beside the caller, compiled or from source. */
import { Worker } from 'node:worker_threads';

/**
 * A worker running the entry `name` next to the module whose `import.meta.url` is `from`. Compiled, the entry is
 * `name.js`; from source (tests, tsx) it is `name.ts` and needs tsx's loader, which an eval'd bootstrap registers.
 */
export function startWorker(from: string, name: string, workerData: unknown): Worker {
  if (!from.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, from), { workerData });
  const entry = new URL(`./${name}.ts`, from).href;
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, workerData });
}
