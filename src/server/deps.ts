/** What `buildApp` is given: plain objects, opened and configured by the composition root (`src/main.ts`). */
import type { Store } from '../core/ports/store.js';
import type { ContractProblem } from './contract.js';
import type { Operations } from './operations.js';
import type { IngestRouting } from './ingest-forward.js';

export interface Limits {
  /** Largest request body, bytes (413 beyond). */
  bodyLimit: number;
  /** Most observations in one batch (413 beyond). */
  maxBatch: number;
}

export const defaultLimits: Limits = { bodyLimit: 16 * 1024 * 1024, maxBatch: 10_000 };

export interface ServerDeps {
  store: Store;
  operations: Operations;
  limits?: Partial<Limits>;
  /** Fastify logger option: false (default) or a pino options object. */
  logger?: boolean | Record<string, unknown>;
  /** Where batches go when another server processes the store's ingest (ingest-forward.ts); set by src/main.ts. */
  ingestRouting?: IngestRouting;
  /** Tests only: told of every response the OpenAPI document does not declare (contract.ts). */
  contract?: (problem: ContractProblem) => void;
}
