/**
 * Official air-raid alerts in Ukraine (ukrainian-air-raid-sirens-dataset, Vadym Klymenko, MIT) to region-level
 * observations (docs/operations/replay.md).
 *
 * An alert is declared when air defence tracks an airborne threat (missile, drone, aircraft) towards a region,
 * and lifted when it has passed; so an alert maps to `overflight` over the oblast for the alert's interval, from
 * an `air-defence-track` source. Alerts at raion or hromada level are kept at their oblast: the package's regions
 * layer is oblasts. An alert is a warning, not an observed strike, hence a moderate default confidence.
 */
import { createHash } from 'node:crypto';
import type { ObservationInput } from '../observation.js';
import { normalizeRegionName } from './crosswalk.js';
import { columns, parseCsv } from './csv.js';
import type { ReplayOptions, ReplayParse } from './ucdp.js';

/** Names in the dataset that are not oblasts (the file's known quirks). */
const quirks: Readonly<Record<string, string>> = {
  // A raion of Poltava oblast written in the oblast column.
  'lubenskyi raion': 'UA-53',
};

const timeRe = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/;

function isoOf(s: string): string | undefined {
  const m = timeRe.exec(s.trim());
  if (!m) return undefined;
  let zone = m[3] ?? 'Z';
  if (zone === '+00:00' || zone === '+0000') zone = 'Z';
  else if (zone !== 'Z' && !zone.includes(':')) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const out = `${m[1]}T${m[2]}${zone}`;
  return Number.isNaN(Date.parse(out)) ? undefined : out;
}

export interface AlertOptions extends ReplayOptions {
  /** Confidence given to each alert; default 0.7. */
  confidence?: number;
}

export function parseAlerts(text: string, options: AlertOptions): ReplayParse {
  const t = parseCsv(text);
  const c = columns(
    t.header,
    ['oblast', 'raion', 'hromada', 'level', 'started_at', 'finished_at'],
    'an air-raid alerts file',
  );
  const observations: ObservationInput[] = [];
  const skipped: ReplayParse['skipped'] = [];
  for (const row of t.rows) {
    const f = (k: keyof typeof c) => (row.fields[c[k]] ?? '').trim();
    const oblast = f('oblast');
    const name = normalizeRegionName(oblast);
    const region = quirks[name] ?? options.crosswalk.get(name);
    // The source id: a digest of what identifies the alert, stable across re-runs of the same file.
    const key = `${oblast}|${f('raion')}|${f('hromada')}|${f('started_at')}`;
    const id = createHash('sha256').update(key).digest('hex').slice(0, 20);
    const skip = (reason: string) => skipped.push({ line: row.line, id, reason });
    if (!region) {
      skip(`"${oblast}" is not a region of the crosswalk`);
      continue;
    }
    const start = isoOf(f('started_at'));
    const end = f('finished_at') ? isoOf(f('finished_at')) : undefined;
    if (!start) {
      skip(`started_at "${f('started_at')}" is not a time`);
      continue;
    }
    if (f('finished_at') && !end) {
      skip(`finished_at "${f('finished_at')}" is not a time`);
      continue;
    }
    if (end && Date.parse(end) < Date.parse(start)) {
      skip('ends before it starts');
      continue;
    }
    const o: ObservationInput = {
      source: options.source,
      sourceId: id,
      activity: 'overflight',
      time: start,
      location: { region },
      confidence: options.confidence ?? 0.7,
      note: `air-raid alert, ${f('level') || 'oblast'} level: ${[oblast, f('raion'), f('hromada')].filter(Boolean).join(', ')}`,
    };
    if (end && Date.parse(end) - Date.parse(start) <= 366 * 86_400_000) o.until = end;
    observations.push(o);
  }
  return { observations, skipped };
}
