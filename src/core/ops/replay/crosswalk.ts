/**
 * Region names to ISO 3166-2 codes, from the oblast crosswalk (examples/data/oblast-crosswalk.csv: Natural Earth,
 * geoBoundaries, the Ukrainian ministry and the air-raid dataset's names for each code). Lookups are by a
 * normalised name: lower case, apostrophes dropped, a trailing "oblast" removed.
 */
import { columns, parseCsv } from './csv.js';
import { itemAt } from '../../item-at.js';

export type Crosswalk = ReadonlyMap<string, string>;

export function normalizeRegionName(name: string): string {
  return name
    .toLowerCase()
    .replace(/['’`ʼ]/g, '')
    .replace(/\s+(oblast|obl\.?)$/u, '')
    .replace(/\s+/g, ' ')
    .trim();
}

export function parseCrosswalk(text: string): Crosswalk {
  const t = parseCsv(text);
  const c = columns(t.header, ['iso_3166_2'], 'an oblast crosswalk');
  const out = new Map<string, string>();
  for (const r of t.rows) {
    const code = itemAt(r.fields, c.iso_3166_2);
    for (let i = 0; i < t.header.length; i++) {
      if (i === c.iso_3166_2) continue;
      const v = r.fields[i];
      if (v) out.set(normalizeRegionName(v), code);
    }
  }
  return out;
}
