/** Shared set-up for operations tests: the example package, a simple locator, a batch runner. */
import { MemoryOpsReader } from '../../src/core/ops/index.js';
import { parseObservationBatch, type ObservationInput } from '../../src/core/ops/index.js';
import { prepareOps, processBatch, type BatchResult, type OpsModel } from '../../src/core/ops/index.js';
import { geoLocatorFor } from '../../src/core/ops/index.js';
import { loadExample } from './simple-locator.js';

export const EFFECTIVE = Date.parse('2026-06-01T00:00:00Z');
export const NOW = Date.parse('2026-09-01T00:00:00Z');

let cached: OpsModel | undefined;

/** The example package with the real geo engine as its locator. */
export function exampleModel(): OpsModel {
  if (!cached) cached = modelFor('examples/ukraine-2026.yaml');
  return cached;
}

export function modelFor(file: string): OpsModel {
  const loaded = loadExample(file);
  const built = geoLocatorFor(loaded.model!, loaded.geometries);
  if (!built.ok) throw new Error(`${file}: ${JSON.stringify(built.problems)}`);
  return prepareOps(loaded.model!, { locator: built.locator, regions: built.locator.regionCodes() });
}

/** RU-held side, 4 km east of the line (buffer, heavy-weapons, no-fly; UA-14). */
export const EAST = { lon: 37.5, lat: 48.3 };
/** UA-held side, 13.5 km west of the line (buffer, heavy-weapons, rear-ua, no-fly; UA-14). */
export const WEST = { lon: 37.0, lat: 48.3 };
/** UA-held side, 63 km west (rear-ua only; UA-12). */
export const FAR_WEST = { lon: 36.3, lat: 48.3 };

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

let seq = 0;
export function obs(over: Partial<ObservationInput> & { at?: number }): ObservationInput {
  const { at, ...rest } = over;
  return {
    source: 'radar',
    sourceId: `o${++seq}`,
    activity: 'artillery-fire',
    time: iso(at ?? EFFECTIVE + 30 * 86_400_000),
    location: { ...WEST, radius: 500 },
    confidence: 0.9,
    ...rest,
  };
}

export class Runner {
  readonly reader = new MemoryOpsReader();
  constructor(
    readonly model: OpsModel = exampleModel(),
    public now = NOW,
  ) {}

  async run(items: ObservationInput[]): Promise<BatchResult> {
    const parsed = parseObservationBatch(items, this.model.rules, this.now);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const r = await processBatch({ model: this.model, now: this.now }, parsed.observations, this.reader);
    this.reader.apply(r);
    return r;
  }
}
