import { describe, expect, it } from 'vitest';
import { EFFECTIVE, EAST, FAR_WEST, Runner, WEST, exampleModel, obs } from '../../../test/ops/harness.js';
import { prepareOps } from './model.js';
import { DAY, HOUR } from '../spec/units.js';

const T = EFFECTIVE + 30 * DAY;

async function violations(items: Parameters<Runner['run']>[0]) {
  const r = new Runner();
  const out = await r.run(items);
  return out.violations.map((v) => ({
    prohibition: v.prohibition,
    party: v.party,
    basis: v.basis,
    zones: v.zones,
    depth: v.depth,
    status: v.status,
    region: v.region,
  }));
}

describe('violations on the example package', () => {
  it('attributes fire by the side it lands on, within reach', async () => {
    expect(await violations([obs({ at: T, location: { ...WEST, radius: 100 } })])).toEqual([
      {
        prohibition: 'no-fire',
        party: 'RU',
        basis: 'impact-side',
        zones: [],
        depth: undefined,
        status: 'active',
        region: 'UA-14',
      },
    ]);
    expect((await violations([obs({ at: T, location: { ...EAST, radius: 100 } })]))[0]).toMatchObject({
      party: 'UA',
      basis: 'impact-side',
    });
    // 63 km from the line: beyond mortar reach, so undetermined; a missile strike there is still attributed.
    expect((await violations([obs({ activity: 'mortar-fire', at: T, location: FAR_WEST })]))[0]).toMatchObject({
      party: 'undetermined',
      basis: 'none',
    });
    expect(
      (await violations([obs({ source: 'air-track', activity: 'missile-strike', at: T, location: FAR_WEST })]))[0],
    ).toMatchObject({ party: 'RU', basis: 'impact-side' });
  });

  it('infers nothing from the side when the uncertainty disc reaches the line', async () => {
    // EAST is 4 km from the line.
    expect((await violations([obs({ at: T, location: { ...EAST, radius: 3500 } })]))[0]).toMatchObject({
      party: 'UA',
      basis: 'impact-side',
    });
    expect((await violations([obs({ at: T, location: { ...EAST, radius: 4500 } })]))[0]).toMatchObject({
      party: 'undetermined',
      basis: 'none',
    });
    const adv = (radius: number) =>
      obs({ source: 'sat', activity: 'ground-advance', at: T, location: { ...EAST, radius } });
    expect(await violations([adv(3500)])).toHaveLength(1);
    expect(await violations([adv(4500)])).toEqual([]);
  });

  it('takes the reported attribution over inference, and calls disagreement undetermined', async () => {
    expect(
      (await violations([obs({ at: T, attribution: { party: 'UA', basis: 'crater-analysis' } })]))[0],
    ).toMatchObject({ party: 'UA', basis: 'crater-analysis' });
    const both = await violations([
      obs({ source: 'radar', sourceId: 'x1', at: T, attribution: { party: 'UA', basis: 'origin-side' } }),
      obs({ source: 'acoustic', sourceId: 'x2', at: T, attribution: { party: 'RU', basis: 'observed' } }),
    ]);
    expect(both).toHaveLength(1);
    expect(both[0]).toMatchObject({ party: 'undetermined', basis: 'conflicting' });
  });

  it('applies nothing before the package takes effect', async () => {
    expect(await violations([obs({ at: EFFECTIVE - HOUR })])).toEqual([]);
  });

  it('checks heavy weapons by class, zone and the 14-day withdrawal period', async () => {
    const hw = (at: number, weapon: string | undefined, location: { lon: number; lat: number }) =>
      obs({
        source: 'sat',
        activity: 'heavy-weapon-presence',
        at,
        location,
        ...(weapon ? { weapon: weapon as 'tank' } : {}),
      });
    expect(await violations([hw(EFFECTIVE + 10 * DAY, 'tank', EAST)])).toEqual([]);
    expect(await violations([hw(EFFECTIVE + 15 * DAY, 'tank', EAST)])).toEqual(
      [
        {
          prohibition: 'heavy-weapons',
          party: 'UA',
          basis: 'none',
          zones: ['heavy-weapons'],
          depth: undefined,
          status: 'active',
          region: 'UA-14',
        },
      ].map((v) => ({ ...v, party: 'undetermined' })),
    );
    expect(await violations([hw(EFFECTIVE + 15 * DAY, 'armoured-vehicle', EAST)])).toEqual([]);
    expect(await violations([hw(EFFECTIVE + 15 * DAY, undefined, EAST)])).toEqual([]);
    expect(await violations([hw(EFFECTIVE + 15 * DAY, 'mlrs', FAR_WEST)])).toEqual([]);
  });

  it('finds an advance across the line with its depth and the party from the side', async () => {
    const adv = (location: { lon: number; lat: number }, extra: object = {}) =>
      obs({ source: 'sat', activity: 'ground-advance', at: T, location, ...extra });
    const [v] = await violations([adv(WEST)]);
    expect(v).toMatchObject({ prohibition: 'no-advance', party: 'RU', basis: 'advance-side', status: 'active' });
    expect(v!.depth!).toBeGreaterThan(13_000);
    expect(v!.depth!).toBeLessThan(14_000);
    expect((await violations([adv(EAST)]))[0]).toMatchObject({ party: 'UA', basis: 'advance-side' });
    // Ukraine's forces moving on the Ukrainian-held side do not cross anything.
    expect(await violations([adv(WEST, { attribution: { party: 'UA', basis: 'observed' } })])).toEqual([]);
    expect((await violations([adv(WEST, { attribution: { party: 'RU', basis: 'observed' } })]))[0]).toMatchObject({
      party: 'RU',
      basis: 'observed',
    });
  });

  it('treats denial of access and jamming as violations, anywhere', async () => {
    const v = await violations([
      obs({ source: 'patrol', activity: 'denial-of-access', at: T, location: FAR_WEST }),
      obs({ source: 'uav', activity: 'jamming', at: T, location: { region: 'UA-09' } }),
    ]);
    expect(v.map((x) => [x.prohibition, x.party])).toEqual([
      ['monitor-access', 'undetermined'],
      ['monitor-access', 'undetermined'],
    ]);
    expect(v.map((x) => x.region).sort()).toEqual(['UA-09', 'UA-12']);
  });

  it('respects airspace ceilings and who a prohibition binds', async () => {
    const fly = (altitude: number) =>
      obs({ source: 'air-track', activity: 'overflight', at: T, location: { ...EAST, altitude } });
    expect((await violations([fly(3000)]))[0]).toMatchObject({ prohibition: 'no-overflight', zones: ['no-fly'] });
    expect(await violations([fly(12_000)])).toEqual([]);
    // The grain corridor binds only Russia.
    const odesa = { lon: 30.9, lat: 46.2 };
    const mine = (party: string) =>
      obs({
        source: 'navy',
        activity: 'mine-laying',
        at: T,
        location: odesa,
        attribution: { party, basis: 'observed' },
      });
    expect((await violations([mine('RU')]))[0]).toMatchObject({
      prohibition: 'corridor-safety',
      party: 'RU',
      zones: ['grain-corridor'],
    });
    expect(await violations([mine('UA')])).toEqual([]);
  });

  it('revises a violation as its incident gains corroboration, keeping its id', async () => {
    const r = new Runner();
    const a = await r.run([obs({ source: 'radar', sourceId: 'v1', at: T, confidence: 0.7 })]);
    // A minute later: the radar report stays first in canonical order, and so the incident's founder.
    const b = await r.run([obs({ source: 'acoustic', sourceId: 'v2', at: T + 60_000, confidence: 0.7 })]);
    expect(a.violations).toHaveLength(1);
    expect(b.violations).toHaveLength(1);
    expect(b.violations[0]!.id).toBe(a.violations[0]!.id);
    expect(b.violations[0]).toMatchObject({
      revision: 2,
      corroboration: 2,
      operators: ['CMM', 'DE'],
      observations: [
        { source: 'radar', sourceId: 'v1' },
        { source: 'acoustic', sourceId: 'v2' },
      ],
    });
    expect(b.violations[0]!.confidence).toBeCloseTo(0.91, 12);
  });
});

describe('violations honour what real agreements say: phases, limits, holes (issue 20)', () => {
  // The example package with clauses added: a phase that ends at day 30 and its successor on another zone; a force
  // limit of 10 tanks and 100 personnel; a ban with a hole (the buffer except the heavy-weapons zone's overlap).
  async function run(items: Parameters<Runner['run']>[0]) {
    const base = exampleModel();
    const pkg = structuredClone(base.pkg);
    pkg.prohibitions = {
      'phase-1': { binds: ['UA', 'RU'], activities: ['troop-presence'], inside: 'buffer', until: { after: 30 * DAY } },
      'phase-2': {
        binds: ['UA', 'RU'],
        activities: ['troop-presence'],
        inside: 'rear-ua',
        follows: 'phase-1',
        from: { after: 30 * DAY },
      },
      ceiling: {
        binds: ['UA', 'RU'],
        activities: ['heavy-weapon-presence', 'troop-presence'],
        inside: 'heavy-weapons',
        limit: { tank: 10, personnel: 100 },
      },
      holed: { binds: ['UA', 'RU'], activities: ['mine-laying'], inside: 'heavy-weapons', except: 'rear-ua' },
    };
    const r = new Runner(prepareOps(pkg, { locator: base.locator, regions: base.rules.regions }));
    return (await r.run(items)).violations.map((v) => v.prohibition).sort();
  }
  const troops = (at: number, location: { lon: number; lat: number }, count = 1) =>
    obs({ source: 'sat', activity: 'troop-presence', at, location: { ...location, radius: 100 }, count });

  it('applies a phase until its date, and its successor (on its own zone) from then', async () => {
    // WEST is in the buffer and in rear-ua; FAR_WEST only in rear-ua.
    expect(await run([troops(EFFECTIVE + 10 * DAY, FAR_WEST)])).toEqual([]);
    expect(await run([troops(EFFECTIVE + 10 * DAY, WEST)])).toEqual(['phase-1']);
    expect(await run([troops(EFFECTIVE + 40 * DAY, WEST)])).toEqual(['phase-2']);
    expect(await run([troops(EFFECTIVE + 40 * DAY, FAR_WEST)])).toEqual(['phase-2']);
  });
  it('makes a count above a force limit a violation, and a count within it none', async () => {
    const tanks = (count: number) =>
      obs({
        source: 'sat',
        activity: 'heavy-weapon-presence',
        weapon: 'tank',
        at: T,
        location: { ...EAST, radius: 100 },
        count,
      });
    expect(await run([tanks(10)])).toEqual([]);
    expect(await run([tanks(11)])).toEqual(['ceiling']);
    expect(await run([troops(EFFECTIVE + 40 * DAY, EAST, 100)])).toEqual([]);
    expect(await run([troops(EFFECTIVE + 40 * DAY, EAST, 101)])).toEqual(['ceiling']);
  });
  it('does not apply a prohibition in its `except` zones', async () => {
    const mines = (location: { lon: number; lat: number }) =>
      obs({ source: 'sat', activity: 'mine-laying', at: T, location: { ...location, radius: 100 } });
    expect(await run([mines(EAST)])).toEqual(['holed']);
    expect(await run([mines(WEST)])).toEqual([]);
  });
});
