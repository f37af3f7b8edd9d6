/**
 * ACLED (Armed Conflict Location & Event Data) rows to observations (docs/operations/replay.md, "ACLED").
 *
 * ACLED's CSV export: `event_id_cnty, event_date, year, time_precision, disorder_type, event_type, sub_event_type,
 * actor1, assoc_actor_1, inter1, actor2, assoc_actor_2, inter2, interaction, civilian_targeting, iso, region,
 * country, admin1, admin2, admin3, location, latitude, longitude, geo_precision, source, source_scale, notes,
 * fatalities, tags, timestamp` (ACLED Codebook, 2023). ACLED's terms forbid redistributing its data, so the project
 * ships none: the reader is tested on a fixture made in this layout.
 *
 * ACLED codes what happened, unlike GED: `sub_event_type` names the kind of violence ("Shelling/artillery/missile
 * attack", "Air/drone strike", "Armed clash"), and `notes` describes the event. The sub-event type decides the
 * family; the same words as for GED (`activityFromWords`, weapon tier only) split a family where ACLED lumps
 * (a missile among shelling, a drone among air strikes). `geo_precision` 1-3 and `time_precision` 1-3 are
 * uncertainty, and become a radius (or the admin1 region) and a time interval.
 */
import type { Activity } from '../../spec/vocabulary.js';
import type { ObservationInput } from '../observation.js';
import { observationLimits } from '../observation.js';
import { activityFromWords } from './activity-words.js';
import { normalizeRegionName } from './crosswalk.js';
import { columns, parseCsv } from './csv.js';
import type { ReplayOptions, ReplayParse } from './ucdp.js';
import { itemAt } from '../../item-at.js';

export type AcledMapping = { activity: Activity | 'words' | 'undetermined'; why: string } | { skip: string };

/**
 * ACLED sub-event types (codebook) to activities. `words`: the activity comes from the notes' weapon words, with a
 * family default. Sub-event types not listed (protests, riots, most strategic developments) are no act of force a
 * ceasefire forbids, and are skipped with the reason.
 */
export const acledSubEvents: Readonly<Record<string, AcledMapping>> = {
  'Shelling/artillery/missile attack': {
    activity: 'words',
    why: 'artillery-fire, or missile-strike when the notes name a missile',
  },
  'Air/drone strike': { activity: 'words', why: 'air-strike, or drone-strike when the notes name a drone' },
  'Armed clash': {
    activity: 'small-arms-fire',
    why: 'armed, organised groups engage in a battle: direct fire at close range (ACLED codebook)',
  },
  Grenade: {
    activity: 'small-arms-fire',
    why: 'a hand-thrown or launched grenade: a light weapon, as the OSCE SMM counted it',
  },
  'Government regains territory': { activity: 'ground-advance', why: 'territory taken by force' },
  'Non-state actor overtakes territory': { activity: 'ground-advance', why: 'territory taken by force' },
  Attack: { activity: 'undetermined', why: 'violence against civilians: the weapon from the notes, else undetermined' },
  'Remote explosive/landmine/IED': {
    skip: 'a mine or an explosive device, not fire (ACLED: Remote explosive/landmine/IED)',
  },
  'Suicide bomb': { skip: 'a suicide bombing, not fire' },
  'Disrupted weapons use': {
    skip: 'a strike intercepted or a device defused: nothing landed (ACLED: Disrupted weapons use)',
  },
};

const familyDefault: Readonly<
  Record<string, { activity: Activity; alternatives: Partial<Record<Activity, Activity>> }>
> = {
  'Shelling/artillery/missile attack': {
    activity: 'artillery-fire',
    alternatives: { 'missile-strike': 'missile-strike', 'artillery-fire': 'artillery-fire' },
  },
  'Air/drone strike': {
    activity: 'air-strike',
    alternatives: { 'drone-strike': 'drone-strike', 'air-strike': 'air-strike', 'missile-strike': 'air-strike' },
  },
};

/** Radius (m) by `geo_precision`; 3 (only the admin1 region is known) becomes the region. */
export const acledRadius: Readonly<Record<string, number>> = {
  '1': 2_000, // a named town or village (ACLED: "the particular town is known")
  '2': 25_000, // "near" a town, or a small part of a region: the nearest town is used
};

/** Uncertainty by `time_precision`: 1 the day, 2 within a week (±7 days either side), 3 the month. */
const timeUncertainty: Readonly<Record<string, ObservationInput['timePrecision']>> = {
  '1': 'day',
  '2': 7 * 86_400,
  '3': 'month',
};

const months = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

/** ACLED writes `2022-02-24` in current exports and `24 February 2022` in older ones. */
export function acledDay(text: string): string | undefined {
  const s = text.trim();
  let y: number, m: number, d: number;
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  const long = /^(\d{1,2}) ([A-Za-z]+) (\d{4})$/.exec(s);
  if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (long && months.includes(itemAt(long, 2).toLowerCase()))
    [y, m, d] = [Number(long[3]), months.indexOf(itemAt(long, 2).toLowerCase()) + 1, Number(long[1])];
  else return undefined;
  const t = Date.UTC(y, m - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) return undefined;
  return back.toISOString().slice(0, 10);
}

const needed = [
  'event_id_cnty',
  'event_date',
  'time_precision',
  'event_type',
  'sub_event_type',
  'actor1',
  'actor2',
  'country',
  'admin1',
  'location',
  'latitude',
  'longitude',
  'geo_precision',
  'source',
  'notes',
  'fatalities',
] as const;

export function parseAcled(text: string, options: ReplayOptions): ReplayParse {
  const t = parseCsv(text);
  const c = columns(t.header, needed, 'an ACLED file');
  const observations: ObservationInput[] = [];
  const skipped: ReplayParse['skipped'] = [];
  const undetermined = options.undetermined ?? 'skip';
  for (const row of t.rows) {
    const f = (k: (typeof needed)[number]) => (row.fields[c[k]] ?? '').trim();
    const id = f('event_id_cnty');
    const skip = (reason: string) => skipped.push({ line: row.line, id, reason });
    if (!id) {
      skip('no event_id_cnty');
      continue;
    }
    const day = acledDay(f('event_date'));
    if (!day) {
      skip(`event_date "${f('event_date')}" is not a day (YYYY-MM-DD or "24 February 2022")`);
      continue;
    }
    const precision = timeUncertainty[f('time_precision')];
    if (precision === undefined) {
      skip(`time_precision "${f('time_precision')}" is not 1, 2 or 3`);
      continue;
    }
    const sub = f('sub_event_type');
    const mapping = acledSubEvents[sub];
    if (!mapping) {
      skip(
        `${f('event_type') || '(no event type)'} / ${sub || '(no sub-event type)'}: not an act of force a ceasefire forbids`,
      );
      continue;
    }
    if ('skip' in mapping) {
      skip(mapping.skip);
      continue;
    }
    let activity: Activity | 'undetermined';
    let how: string;
    const words = activityFromWords(f('notes'));
    if (mapping.activity === 'words') {
      const family = itemAt(familyDefault, sub);
      const chosen = words.activity !== 'undetermined' ? family.alternatives[words.activity] : undefined;
      activity = chosen ?? family.activity;
      how = chosen && chosen !== family.activity ? `${sub}, "${words.word}" in the notes` : sub;
    } else if (mapping.activity === 'undetermined') {
      activity = words.activity;
      how =
        words.activity === 'undetermined' ? `${sub}, the notes name no weapon` : `${sub}, "${words.word}" in the notes`;
    } else {
      activity = mapping.activity;
      how = sub;
    }
    if (activity === 'undetermined') {
      if (undetermined === 'skip') {
        skip(
          `${sub}: the notes do not say what was used (activity undetermined; --undetermined ACTIVITY sends such events as that activity)`,
        );
        continue;
      }
      activity = undetermined;
      how += `, sent as ${undetermined}`;
    }
    const geo = f('geo_precision');
    let location: ObservationInput['location'];
    if (geo === '3') {
      const code = options.crosswalk.get(normalizeRegionName(f('admin1')));
      if (!code) {
        skip(`geo_precision 3: located only to admin1 "${f('admin1')}", which is not a region of the crosswalk`);
        continue;
      }
      location = { region: code };
    } else if (acledRadius[geo] !== undefined) {
      const lat = Number(f('latitude'));
      const lon = Number(f('longitude'));
      if (!f('latitude') || !f('longitude') || !(Math.abs(lat) <= 90) || !(Math.abs(lon) <= 180)) {
        skip(`no usable coordinates ("${f('latitude')}", "${f('longitude')}")`);
        continue;
      }
      location = { lon, lat, radius: itemAt(acledRadius, geo) };
    } else {
      skip(`geo_precision "${geo}" is not 1, 2 or 3`);
      continue;
    }
    observations.push({
      source: options.source,
      sourceId: id,
      activity,
      time: `${day}T00:00:00Z`,
      timePrecision: precision,
      location,
      // ACLED has no clarity field; its events are coded from named sources, reviewed, and revised when wrong.
      confidence: 0.8,
      note: `ACLED ${id}: ${how}; ${f('actor1')}${f('actor2') ? ' - ' + f('actor2') : ''}; fatalities ${f('fatalities') || '?'}; ${f('location')}, ${f('admin1')}; ${f('source')}`.slice(
        0,
        observationLimits.noteLength,
      ),
    });
  }
  return { observations, skipped };
}
