/**
 * The 18-month sustainment scenario on test/fixtures/ledger/scenario.yaml (test/ledger-scenario.test.ts, and the
 * dashboard screenshot of scripts/ledger-screenshot.ts): who pledges and delivers what, when, and the alerts that
 * must follow, each with the month it is raised and the month it is resolved.
 */
export const at = (m: number, day: number) => Date.UTC(2027, m, day);
export const label = (m: number) => new Date(at(m, 1)).toISOString().slice(0, 7);

/** What each guarantor delivers in month m (0 = 2027-01), on which day: on time, except where the scenario says. */
export function deliveries(
  m: number,
): { day: number; by: string; pledge: string; amount?: number; quantity?: number }[] {
  const out: { day: number; by: string; pledge: string; amount?: number; quantity?: number }[] = [];
  // DE delivers 30 of its 50 million in March, and the missing 20 on 20 April.
  out.push({ day: 10, by: 'DE', pledge: 'p-de', amount: m === 2 ? 30e6 : 50e6 });
  if (m === 3) out.push({ day: 20, by: 'DE', pledge: 'p-de', amount: 20e6 });
  // FR's June money arrives on 5 July.
  if (m <= 8 && m !== 5) out.push({ day: 10, by: 'FR', pledge: 'p-fr', amount: 50e6 });
  if (m === 6) out.push({ day: 5, by: 'FR', pledge: 'p-fr', amount: 50e6 });
  // The US delivers until its election (15 July 2027), then nothing.
  if (m <= 6) out.push({ day: 10, by: 'US', pledge: 'p-us', quantity: 10 });
  if (m >= 5) out.push({ day: 10, by: 'DE', pledge: 'p-de-int', quantity: 5 });
  if (m >= 10) out.push({ day: 10, by: 'FR', pledge: 'p-fr2', amount: 50e6 });
  if (m >= 12) out.push({ day: 10, by: 'FR', pledge: 'p-fr-int', quantity: 5 });
  return out;
}

/** The first pledges, recorded on 15 December 2026, before the package takes effect. */
export const initial: Record<string, unknown>[] = [
  {
    id: 'p-de',
    by: 'DE',
    requirement: 'financing',
    amount: 600e6,
    currency: 'EUR',
    per: 'year',
    from: '2027-01',
    until: '2028-12',
    form: 'appropriation-law',
    source: 'Haushaltsgesetz 2027',
  },
  {
    id: 'p-fr',
    by: 'FR',
    requirement: 'financing',
    amount: 600e6,
    currency: 'EUR',
    per: 'year',
    from: '2027-01',
    until: '2027-09',
    form: 'treaty',
  },
  {
    id: 'p-us',
    by: 'US',
    requirement: 'interceptors',
    quantity: 120,
    per: 'year',
    from: '2027-01',
    until: '2028-12',
    form: 'executive',
  },
];

/** Pledges and withdrawals by month (0 = 2027-01): [day, key owner, items]. */
export const pledges: Record<number, [number, string, Record<string, unknown>[]][]> = {
  2: [
    [
      3,
      'DE',
      [
        {
          id: 'p-de-int',
          by: 'DE',
          requirement: 'interceptors',
          quantity: 60,
          per: 'year',
          from: '2027-03',
          until: '2028-12',
          form: 'appropriation-law',
          leadTime: '3mo',
        },
      ],
    ],
  ],
  9: [
    [
      5,
      'US',
      [{ id: 'w-us', by: 'US', withdraws: 'p-us', from: '2027-08', source: 'the new administration lapsed it' }],
    ],
  ],
  10: [
    [
      3,
      'FR',
      [
        {
          id: 'p-fr2',
          by: 'FR',
          requirement: 'financing',
          amount: 600e6,
          currency: 'EUR',
          per: 'year',
          from: '2027-11',
          until: '2028-12',
          form: 'treaty',
        },
      ],
    ],
  ],
  12: [
    [
      5,
      'FR',
      [
        {
          id: 'p-fr-int',
          by: 'FR',
          requirement: 'interceptors',
          quantity: 60,
          per: 'year',
          from: '2028-01',
          until: '2028-12',
          form: 'treaty',
        },
      ],
    ],
  ],
};

/** Each alert: the month it is raised and the month it is resolved. */
export const expected: Record<string, [string, string]> = {
  'dependence/interceptors/US': ['2027-01', '2027-03'],
  'late-delivery/p-de/2027-03': ['2027-04', '2027-04'],
  'election/p-us/2027-07-15': ['2027-05', '2027-10'],
  'late-delivery/p-fr/2027-06': ['2027-07', '2027-07'],
  'ending-without-successor/p-fr/2027-10': ['2027-08', '2027-11'],
  'below-threshold/financing/2027-10': ['2027-08', '2027-11'],
  'late-delivery/p-us/2027-08': ['2027-09', '2027-10'],
  'ending-without-successor/p-us/2027-08': ['2027-10', '2028-01'],
  'below-threshold/interceptors/2027-12': ['2027-10', '2028-01'],
  'lead-time/interceptors/2027-12': ['2027-10', '2028-01'],
};
