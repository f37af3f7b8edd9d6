/**
 * UCDP Georeferenced Event Dataset rows to observations (docs/operations/replay.md).
 *
 * Source: Sundberg & Melander (2013), "Introducing the UCDP Georeferenced Event Dataset", Journal of Peace
 * Research 50(4); Davies et al., UCDP. CC BY 4.0. The GED codebook defines `where_prec` 1 (exact place) to 7
 * (international waters or airspace) and `date_start`/`date_end` as the first and last day the event may have
 * happened; both are uncertainty, and they become an uncertainty radius (or a region) and a time interval.
 *
 * GED records fatal events of organised violence, not what was fired: its type of violence and dyad say who
 * fought, not with what. The activity comes from the source's own words, the event's headlines
 * (`activityFromWords`); when they say nothing the event is `undetermined`, and the replay skips it unless the
 * operator names an activity for such events (`undetermined`), which the note then says.
 */
import type { Activity } from '../../spec/vocabulary.js';
import { observationLimits, type ObservationInput } from '../observation.js';
import { activityFromWords, rocketReading, type WordMatch } from './activity-words.js';
import type { Crosswalk } from './crosswalk.js';
import { normalizeRegionName } from './crosswalk.js';
import { columns, parseCsv } from './csv.js';
import { itemAt } from '../../item-at.js';

export interface ReplayOptions {
  /** The package's verification source the observations come from. */
  source: string;
  /** Region names (as the file writes them) to codes. */
  crosswalk: Crosswalk;
  /** What an event whose words name no weapon becomes: skipped (default), or sent as this activity. */
  undetermined?: Activity | 'skip';
}

export interface Skipped {
  line: number;
  id: string;
  reason: string;
}

export interface ReplayParse {
  observations: ObservationInput[];
  skipped: Skipped[];
}

/** Uncertainty radius (metres) by GED `where_prec`; 4 becomes the ADM1 region, 6 and 7 are not located. */
export const ucdpRadius: Readonly<Record<string, number>> = {
  '1': 2_000, // an exact place: a town or village, whose extent is the uncertainty
  '2': 25_000, // "within ca. 25 km of a known point" (GED codebook)
  '3': 50_000, // a second-order division (raion): a typical Donbas raion is 40-60 km across
  '5': 100_000, // a part of the country or a linear feature ("Donets Basin Area")
};

/** GED's `type_of_violence` (codebook): who fought, which the note keeps; it does not choose the activity. */
export const ucdpViolenceTypes: Readonly<Record<string, string>> = {
  '1': 'state-based',
  '2': 'non-state',
  '3': 'one-sided',
};

/**
 * The activity of a GED event, from its headlines (`source_headline`, several joined by ";"), read in the words of
 * the event's period (`rocketReading`: its day, `date_start`, and `country`, empty when the file has no such column).
 */
export function ucdpActivity(headlines: string, day: string, country: string): WordMatch {
  return activityFromWords(headlines, rocketReading(day, country));
}

/** The reason an undetermined event is skipped (one string, so a summary groups them). */
export const undeterminedReason =
  'the headlines do not say what was fired (activity undetermined; --undetermined ACTIVITY sends such events as that activity)';

const needed = [
  'id',
  'type_of_violence',
  'side_a',
  'side_b',
  'where_prec',
  'where_coordinates',
  'adm_1',
  'latitude',
  'longitude',
  'event_clarity',
  'date_start',
  'date_end',
  'best',
  'low',
  'high',
  'number_of_sources',
  'source_headline',
] as const;

const dayRe = /^\d{4}-\d{2}-\d{2}$/;

export function parseUcdp(text: string, options: ReplayOptions): ReplayParse {
  const t = parseCsv(text);
  const c = columns(t.header, needed, 'a UCDP GED file');
  // Optional: a one-country extract may drop it; the period's reading of the words then goes by the day alone.
  const countryAt = t.header.indexOf('country');
  const observations: ObservationInput[] = [];
  const skipped: Skipped[] = [];
  for (const row of t.rows) {
    const f = (k: (typeof needed)[number]) => (row.fields[c[k]] ?? '').trim();
    const id = f('id');
    const skip = (reason: string) => skipped.push({ line: row.line, id, reason });
    if (!id) {
      skip('no id');
      continue;
    }
    const start = f('date_start');
    const end = f('date_end') || start;
    if (!dayRe.test(start) || !dayRe.test(end) || Number.isNaN(Date.parse(start)) || Number.isNaN(Date.parse(end))) {
      skip(`dates "${start}".."${end}" are not days`);
      continue;
    }
    const prec = f('where_prec');
    let location: ObservationInput['location'];
    if (prec === '4') {
      const code = options.crosswalk.get(normalizeRegionName(f('adm_1')));
      if (!code) {
        skip(`located only to "${f('adm_1')}", which is not a region of the crosswalk`);
        continue;
      }
      location = { region: code };
    } else if (ucdpRadius[prec] !== undefined) {
      const lat = Number(f('latitude'));
      const lon = Number(f('longitude'));
      if (!f('latitude') || !f('longitude') || !(Math.abs(lat) <= 90) || !(Math.abs(lon) <= 180)) {
        skip(`no usable coordinates ("${f('latitude')}", "${f('longitude')}")`);
        continue;
      }
      location = { lon, lat, radius: itemAt(ucdpRadius, prec) };
    } else {
      skip(`where_prec ${prec || '(empty)'}: located only to the country or to waters ("${f('where_coordinates')}")`);
      continue;
    }
    const startMs = Date.parse(`${start}T00:00:00Z`);
    const endMs = Date.parse(`${end}T00:00:00Z`);
    if (endMs < startMs) {
      skip(`date_end ${end} is before date_start ${start}`);
      continue;
    }
    const country = countryAt < 0 ? '' : (row.fields[countryAt] ?? '').trim();
    const words = ucdpActivity(f('source_headline'), start, country);
    const undetermined = options.undetermined ?? 'skip';
    if (words.activity === 'undetermined' && undetermined === 'skip') {
      skip(undeterminedReason);
      continue;
    }
    const how =
      words.activity === 'undetermined'
        ? `activity undetermined by the headlines, sent as ${undetermined}`
        : `"${words.word}" in the headlines`;
    const o: ObservationInput = {
      source: options.source,
      sourceId: id,
      activity: words.activity === 'undetermined' ? (undetermined as Activity) : words.activity,
      time: `${start}T00:00:00Z`,
      timePrecision: 'day',
      location,
      // event_clarity 1: the event is clearly described; 2: unclear in some respect (GED codebook).
      confidence: f('event_clarity') === '1' ? 0.9 : 0.6,
      note: `UCDP GED ${id} (${ucdpViolenceTypes[f('type_of_violence')] ?? 'type ' + f('type_of_violence')}): ${f('side_a')} - ${f('side_b')}; ${how}; deaths best ${f('best') || '?'} (low ${f('low') || '?'}, high ${f('high') || '?'}); ${f('where_coordinates')}`.slice(
        0,
        observationLimits.noteLength,
      ),
    };
    if (endMs > startMs) o.until = new Date(endMs + 86_400_000).toISOString();
    observations.push(o);
  }
  return { observations, skipped };
}
