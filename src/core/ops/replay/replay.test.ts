import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { acledDay, parseAcled } from './acled.js';
import { parseAlerts } from './alerts.js';
import { normalizeRegionName, parseCrosswalk } from './crosswalk.js';
import { CsvFormatError, parseCsv } from './csv.js';
import { parseUcdp, ucdpActivity, undeterminedReason } from './ucdp.js';
import { observationInputSchema } from '../observation.js';

const crosswalk = parseCrosswalk(readFileSync('examples/data/oblast-crosswalk.csv', 'utf8'));

describe('CSV (RFC 4180)', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, CRLF, a BOM and a missing final newline', () => {
    const t = parseCsv('\uFEFFa,b,c\r\n1,"x, y","say ""hi"""\r\n2,"two\nlines",\n\n3,,"last"');
    expect(t.header).toEqual(['a', 'b', 'c']);
    expect(t.rows.map((r) => r.fields)).toEqual([
      ['1', 'x, y', 'say "hi"'],
      ['2', 'two\nlines', ''],
      ['3', '', 'last'],
    ]);
    expect(t.rows.map((r) => r.line)).toEqual([2, 3, 6]);
  });

  it('refuses a file without the columns it needs', () => {
    expect(() => parseUcdp('id,foo\n1,2\n', { source: 'ucdp', crosswalk })).toThrow(CsvFormatError);
    expect(() => parseUcdp('id,foo\n1,2\n', { source: 'ucdp', crosswalk })).toThrow(/missing columns .*where_prec/);
  });
});

describe('crosswalk', () => {
  it('maps the names each dataset uses to ISO 3166-2 codes', () => {
    expect(crosswalk.get(normalizeRegionName('Donetsk oblast'))).toBe('UA-14');
    expect(crosswalk.get(normalizeRegionName("Donets'k"))).toBe('UA-14');
    expect(crosswalk.get(normalizeRegionName('Luhanska oblast'))).toBe('UA-09');
    expect(crosswalk.get(normalizeRegionName('Kyiv City'))).toBe('UA-30');
    expect(crosswalk.get(normalizeRegionName('Kiev City'))).toBe('UA-30');
    expect(crosswalk.get(normalizeRegionName('Rostov oblast'))).toBeUndefined();
  });
});

const header =
  'id,type_of_violence,side_a,side_b,where_prec,where_coordinates,adm_1,latitude,longitude,event_clarity,date_start,date_end,best,low,high,number_of_sources,source_headline';

describe('UCDP GED rows', () => {
  it('maps precision to radius or region, dates to intervals, sides to activity, clarity to confidence', () => {
    const rows = [
      '1,1,Government of Ukraine,DPR,1,Marinka,Donetsk oblast,47.94,37.50,1,2016-03-02,2016-03-02,3,2,4,2,"Three killed in shelling of Marinka;Rebels say Kiev used Grad rockets"',
      '2,1,Government of Ukraine,LPR,2,near Popasna,Luhansk oblast,48.63,38.38,2,2016-03-02,2016-03-04,1,1,1,1,Soldier killed by sniper near Popasna',
      '3,1,Government of Ukraine,DPR,4,Donetsk oblast,Donetsk oblast,48.14,37.74,1,2016-03-02,2016-03-02,1,1,1,1,Missile hits a town',
      '4,1,Government of Ukraine,Maidan,1,Kyiv,Kiev Special Republican city,50.45,30.52,1,2014-01-22,2014-01-22,5,5,5,5,Two protesters shot dead in Kiev',
      '5,1,Government of Ukraine,DPR,6,Ukraine,,49,32,1,2016-03-02,2016-03-02,1,1,1,1,shelling',
      '6,1,Government of Ukraine,DPR,4,Rostov oblast,Rostov oblast,47.2,39.7,1,2016-03-02,2016-03-02,1,1,1,1,shelling',
      '7,1,Government of Ukraine,DPR,1,x,Donetsk oblast,,,1,2016-03-02,2016-03-02,1,1,1,1,shelling',
      '8,1,Government of Ukraine,DPR,1,x,Donetsk oblast,48,37,1,2016-13-02,2016-03-02,1,1,1,1,shelling',
      '9,1,Government of Ukraine,United Armed Forces of Novorossiya,5,Donets Basin Area,,48.15,38.65,1,2016-03-02,2016-03-02,1,1,1,1,Aviation struck rebel positions',
      '10,1,Government of Ukraine,DPR,1,Avdiivka,Donetsk oblast,48.14,37.74,1,2016-03-02,2016-03-02,1,1,1,1,Two soldiers killed in east',
    ];
    const r = parseUcdp([header, ...rows].join('\n'), { source: 'ucdp', crosswalk });
    const byId = Object.fromEntries(r.observations.map((o) => [o.sourceId, o]));
    expect(byId['1']).toMatchObject({
      source: 'ucdp',
      activity: 'artillery-fire',
      time: '2016-03-02T00:00:00Z',
      timePrecision: 'day',
      location: { lon: 37.5, lat: 47.94, radius: 2000 },
      confidence: 0.9,
    });
    expect(byId['1']!.until).toBeUndefined();
    expect(byId['1']!.note).toMatch(/deaths best 3 \(low 2, high 4\)/);
    expect(byId['2']).toMatchObject({
      location: { radius: 25_000 },
      confidence: 0.6,
      until: '2016-03-05T00:00:00.000Z',
    });
    expect(byId['3']).toMatchObject({ location: { region: 'UA-14' } });
    expect(byId['1']!.note).toMatch(/"Grad" in the headlines/);
    expect(byId['2']).toMatchObject({ activity: 'small-arms-fire' });
    expect(byId['3']).toMatchObject({ activity: 'missile-strike' });
    expect(byId['4']).toMatchObject({ activity: 'small-arms-fire' });
    expect(byId['9']).toMatchObject({ activity: 'air-strike', location: { radius: 100_000 } });
    expect(r.skipped.map((s) => [s.id, s.line])).toEqual([
      ['5', 6],
      ['6', 7],
      ['7', 8],
      ['8', 9],
      ['10', 11],
    ]);
    expect(r.skipped[4]!.reason).toBe(undeterminedReason);
    const sent = parseUcdp([header, ...rows].join('\n'), { source: 'ucdp', crosswalk, undetermined: 'artillery-fire' });
    expect(sent.observations.find((o) => o.sourceId === '10')).toMatchObject({
      activity: 'artillery-fire',
      note: expect.stringMatching(/undetermined by the headlines, sent as artillery-fire/),
    });
    expect(r.skipped[0]!.reason).toMatch(/country/);
    expect(r.skipped[1]!.reason).toMatch(/Rostov oblast/);
    for (const o of r.observations) expect(observationInputSchema.safeParse(o).success).toBe(true);
    expect(ucdpActivity('Rebels say Kiev used Grad rockets', '2014-08-01', 'Ukraine')).toEqual({
      activity: 'artillery-fire',
      word: 'Grad',
    });
    expect(ucdpActivity('The enemy shelled Pokrovsk with Iskanders', '2022-05-01', 'Ukraine')).toEqual({
      activity: 'missile-strike',
      word: 'Iskanders',
    });
  });

  it('parses the whole shared file into schema-valid observations', () => {
    const r = parseUcdp(readFileSync('examples/data/ucdp-ged/ucdp-ged-ukraine-2014-01_to_2022-02.csv', 'utf8'), {
      source: 'ucdp',
      crosswalk,
    });
    expect(r.observations.length + r.skipped.length).toBe(3077);
    expect(new Set(r.observations.map((o) => o.sourceId)).size).toBe(r.observations.length);
    for (const o of r.observations) expect(observationInputSchema.safeParse(o).success).toBe(true);
  });
});

describe('air-raid alert rows', () => {
  it('maps alerts to region-level overflight over the alert, oblast for raion and hromada alerts, with stable ids', () => {
    const text = [
      'oblast,raion,hromada,level,started_at,finished_at,source',
      'Vinnytska oblast,,,oblast,2022-03-15 16:10:34+00:00,2022-03-15 16:50:07+00:00,official',
      'Cherkaska oblast,Umanskyi raion,Umanska terytorialna hromada,hromada,2022-03-15 16:11:50+00:00,2022-03-15 16:54:47+00:00,official',
      'Kyiv City,,,oblast,2022-03-16 01:00:00+00:00,,official',
      'Lubenskyi raion,,,raion,2022-03-16 02:00:00+00:00,2022-03-16 02:30:00+00:00,official',
      'Atlantis,,,oblast,2022-03-16 02:00:00+00:00,2022-03-16 02:30:00+00:00,official',
      'Lvivska oblast,,,oblast,yesterday,,official',
      'Lvivska oblast,,,oblast,2022-03-16 03:00:00+00:00,2022-03-16 02:00:00+00:00,official',
    ].join('\n');
    const a = parseAlerts(text, { source: 'air-alerts', crosswalk });
    expect(a.observations.map((o) => [(o.location as { region: string }).region, o.time, o.until])).toEqual([
      ['UA-05', '2022-03-15T16:10:34Z', '2022-03-15T16:50:07Z'],
      ['UA-71', '2022-03-15T16:11:50Z', '2022-03-15T16:54:47Z'],
      ['UA-30', '2022-03-16T01:00:00Z', undefined],
      ['UA-53', '2022-03-16T02:00:00Z', '2022-03-16T02:30:00Z'],
    ]);
    expect(a.observations.every((o) => o.activity === 'overflight' && o.source === 'air-alerts')).toBe(true);
    expect(a.skipped.map((s) => s.reason)).toEqual([
      '"Atlantis" is not a region of the crosswalk',
      'started_at "yesterday" is not a time',
      'ends before it starts',
    ]);
    expect(parseAlerts(text, { source: 'air-alerts', crosswalk }).observations.map((o) => o.sourceId)).toEqual(
      a.observations.map((o) => o.sourceId),
    );
    for (const o of a.observations) expect(observationInputSchema.safeParse(o).success).toBe(true);
  });
});

describe("ACLED rows (a fixture in ACLED's column layout)", () => {
  const text = readFileSync('test/fixtures/acled/acled-ukraine-fixture.csv', 'utf8');

  it("maps sub-event types, split by the notes' weapon words, precision to radius or region, and skips what is no act of fire", () => {
    const r = parseAcled(text, { source: 'acled', crosswalk });
    const byId = Object.fromEntries(r.observations.map((o) => [o.sourceId, o]));
    expect(byId['UKR900001']).toMatchObject({
      activity: 'artillery-fire',
      time: '2023-03-02T00:00:00Z',
      timePrecision: 'day',
      location: { lon: 37.7497, lat: 48.1394, radius: 2000 },
      confidence: 0.8,
    });
    expect(byId['UKR900002']).toMatchObject({
      activity: 'missile-strike',
      note: expect.stringMatching(/"missile" in the notes/),
    });
    expect(byId['UKR900003']).toMatchObject({
      activity: 'air-strike',
      time: '2023-03-02T00:00:00Z',
      timePrecision: 7 * 86_400,
      location: { radius: 25_000 },
    });
    expect(byId['UKR900004']).toMatchObject({ activity: 'drone-strike' });
    expect(byId['UKR900005']).toMatchObject({ activity: 'small-arms-fire' });
    expect(byId['UKR900006']).toMatchObject({
      activity: 'ground-advance',
      timePrecision: 'month',
      location: { region: 'UA-63' },
    });
    expect(byId['UKR900010']).toMatchObject({ activity: 'artillery-fire' });
    expect(Object.keys(byId).sort()).toEqual([
      'UKR900001',
      'UKR900002',
      'UKR900003',
      'UKR900004',
      'UKR900005',
      'UKR900006',
      'UKR900010',
    ]);
    expect(r.skipped.map((s) => [s.id, s.reason.slice(0, 40)])).toEqual([
      ['UKR900007', 'a mine or an explosive device, not fire '],
      ['UKR900008', 'Protests / Peaceful protest: not an act '],
      ['UKR900009', 'Attack: the notes do not say what was us'],
      ['UKR900011', 'event_date "2023-02-30" is not a day (YY'],
      ['UKR900012', 'a strike intercepted or a device defused'],
    ]);
    for (const o of r.observations) expect(observationInputSchema.safeParse(o).success).toBe(true);
    const sent = parseAcled(text, { source: 'acled', crosswalk, undetermined: 'small-arms-fire' });
    expect(sent.observations.find((o) => o.sourceId === 'UKR900009')).toMatchObject({
      activity: 'small-arms-fire',
      note: expect.stringMatching(/Attack, the notes name no weapon, sent as small-arms-fire/),
    });
  });

  it("reads both of ACLED's date forms and refuses a file without its columns", () => {
    expect(acledDay('2022-02-24')).toBe('2022-02-24');
    expect(acledDay('24 February 2022')).toBe('2022-02-24');
    expect(acledDay('31 June 2022')).toBeUndefined();
    expect(acledDay('02/24/2022')).toBeUndefined();
    expect(() => parseAcled('event_id_cnty,notes\n1,x\n', { source: 'acled', crosswalk })).toThrow(
      /not an ACLED file: missing columns event_date/,
    );
  });
});
