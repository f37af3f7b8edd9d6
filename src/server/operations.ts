/**
 * The operations pipeline as the server runs it: the package prepared once (`prepareOps`), the clock, and the
 * `BatchProcessor` the store calls inside each ingest transaction.
 */
import type { Clock, ManualClock } from '../core/ops/index.js';
import type { ObservationRules } from '../core/ops/index.js';
import { prepareOps, processBatch, type OpsModel, type ZoneLocator } from '../core/ops/index.js';
import type { BatchProcessor } from '../core/ports/store.js';
import type { LoadedPackage } from '../core/spec/load.js';

export interface Operations {
  model: OpsModel;
  rules: ObservationRules;
  clock: Clock;
  /**
   * On a replay server (`serve --clock event`), the clock the replayed events move (`POST /v1/clock`), so that
   * deadlines, defaults and escalations fall when they would have; absent on a live server.
   */
  eventClock?: ManualClock;
  process: BatchProcessor;
}

/**
 * A locator that places every point in no zone, on no line and in no region, for callers with no geometry: only
 * prohibitions without `inside`/`across` (e.g. no-fire, monitor-access) are then detected. `src/main.ts` passes the
 * geo engine's (`geoLocatorFor`).
 */
export const nowhere: ZoneLocator = { locate: () => ({ zones: [], lines: [] }) };

/** Region codes of the package's regions layer, read from its loaded geometry. */
export function regionCodes(loaded: LoadedPackage): string[] {
  const regions = loaded.model?.regions;
  if (!regions) return [];
  const g = loaded.geometries.get(regions.geometry)?.geojson;
  const out = new Set<string>();
  for (const f of g?.features ?? []) {
    const code = f.properties?.[regions.code];
    if (typeof code === 'string' && code) out.add(code);
  }
  return [...out].sort();
}

export function operationsFor(
  loaded: LoadedPackage,
  options: {
    clock: Clock | ManualClock;
    eventClock?: boolean;
    locator?: ZoneLocator;
    maxFuture?: number;
    /** The late-arrival window (ms); default none. */
    maxLateness?: number;
  },
): Operations {
  if (!loaded.model) throw new Error(`package ${loaded.file} has errors; run \`guarantor check\` on it`);
  const opts: Parameters<typeof prepareOps>[1] = { locator: options.locator ?? nowhere, regions: regionCodes(loaded) };
  if (options.maxFuture !== undefined) opts.maxFuture = options.maxFuture;
  if (options.maxLateness !== undefined) opts.maxLateness = options.maxLateness;
  const model = prepareOps(loaded.model, opts);
  const clock = options.clock;
  const ops: Operations = {
    model,
    rules: model.rules,
    clock,
    process: (observations, reader) => processBatch({ model, now: clock.now() }, observations, reader),
  };
  if (options.eventClock) ops.eventClock = clock as ManualClock;
  return ops;
}
