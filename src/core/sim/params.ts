/**
 * The model's parameters: every number the simulation uses that the package does not state. Each has a default, a
 * documented range (the tornado moves it to both ends), and its basis: a source from the research notes, or
 * "assumption" where no study gives the figure. docs/simulation.md is generated from the same table in prose.
 *
 * Internal units: time in days, distance in kilometres.
 */
import { sourceKinds, type SourceKind } from '../spec/vocabulary.js';

export type ParamKind = 'probability' | 'duration' | 'distance' | 'speed' | 'number' | 'count';

export interface ParamSpec {
  kind: ParamKind;
  /** Default in internal units (days, km, km/day). */
  default: number;
  /** The range the sensitivity analysis moves it across (internal units). */
  low: number;
  high: number;
  description: string;
  /** Where the figure comes from; "assumption" when nothing better is known. */
  basis: string;
}

const assumption = 'assumption';

export const paramSpecs = {
  'background-early': {
    kind: 'number',
    default: 0.1,
    low: 0.05,
    high: 0.2,
    description:
      'Rate per day of accidental or local minor incidents in the first weeks (both sides; the adversary is blamed for half)',
    basis:
      'CSIS (Jensen, Aug 2025) [S/U]: "most ceasefires experience minor failures within 10 days"; 0.1/day decaying over 30 days gives a 57% chance of one within 10 days',
  },
  'background-decay': {
    kind: 'duration',
    default: 30,
    low: 15,
    high: 60,
    description: 'Time constant over which the early rate of accidental incidents falls to its late rate',
    basis: assumption,
  },
  'background-late': {
    kind: 'number',
    default: 0.005,
    low: 0.002,
    high: 0.01,
    description: 'Rate per day of accidental minor incidents once the ceasefire has settled',
    basis: 'assumption, set below one incident a quarter so that a compliant adversary does not erode the ceasefire',
  },
  'trace-lifetime': {
    kind: 'duration',
    default: 1,
    low: 0.25,
    high: 3,
    description: 'How long a transient act (fire, a strike, a mine laid) leaves traces a later look can find',
    basis: assumption,
  },
  'presence-lifetime': {
    kind: 'duration',
    default: 7,
    low: 2,
    high: 14,
    description: 'How long a persistent act (heavy weapons or troops where they must not be, jamming) stays observable',
    basis: assumption,
  },
  'member-declare': {
    kind: 'probability',
    default: 0.85,
    low: 0.6,
    high: 0.98,
    description:
      'Chance that an eligible member of the judgment body who is not a party votes to declare an evidenced breach',
    basis: assumption,
  },
  deliberation: {
    kind: 'duration',
    default: 1,
    low: 0.25,
    high: 3,
    description: 'Time the judgment body takes to vote on a case (capped by the package deadline)',
    basis: 'NATO 2001 [C]: the North Atlantic Council agreed a conditional Article 5 finding in under 24 hours',
  },
  'default-within': {
    kind: 'duration',
    default: 30,
    low: 14,
    high: 60,
    description: 'Time allowed for a response action whose clause gives no `within`',
    basis: assumption,
  },
  'national-decision': {
    kind: 'duration',
    default: 3,
    low: 1,
    high: 21,
    description:
      'Added to the due time of every response that is not automatic; the package value (`assumptions.national-decision`) replaces the default',
    basis: 'package assumption; high end from NATO 2001 [C]: the measures package came 23 days after the attack',
  },
  'auto-on-time': {
    kind: 'probability',
    default: 0.85,
    low: 0.7,
    high: 0.95,
    description: 'Chance that an automatic response action is delivered by its due time',
    basis: assumption,
  },
  'auto-late': {
    kind: 'probability',
    default: 0.1,
    low: 0.03,
    high: 0.2,
    description: 'Chance that an automatic response action is delivered late (the rest are never delivered)',
    basis: assumption,
  },
  'national-on-time': {
    kind: 'probability',
    default: 0.5,
    low: 0.3,
    high: 0.8,
    description: 'Chance that a response action needing a national decision is delivered by its due time',
    basis:
      'assumption; Fortna (2003) [C] finds explicit third-party guarantees lengthen peace, without a delivery rate',
  },
  'national-late': {
    kind: 'probability',
    default: 0.3,
    low: 0.1,
    high: 0.4,
    description:
      'Chance that a response action needing a national decision is delivered late (the rest are never delivered)',
    basis: assumption,
  },
  'shortfall-weight': {
    kind: 'probability',
    default: 0.5,
    low: 0,
    high: 1,
    description:
      'How much the mean sustainment shortfall lowers the delivery of a material action that draws on no named category',
    basis: "assumption; actions that draw on a category are scaled by that category's coverage in full",
  },
  'late-factor': {
    kind: 'number',
    default: 1,
    low: 0.5,
    high: 3,
    description:
      'A late delivery comes after its due time by an exponential delay whose mean is this multiple of the time allowed',
    basis: assumption,
  },
  'lapse-political': {
    kind: 'probability',
    default: 0.35,
    low: 0.15,
    high: 0.6,
    description: 'Chance that a political commitment lapses at an election of the guarantor that made it',
    basis: 'assumption; the US called the 1994 Budapest Memorandum a "political commitment", "not legally binding" [S]',
  },
  'lapse-executive': {
    kind: 'probability',
    default: 0.25,
    low: 0.1,
    high: 0.5,
    description: 'Chance that an executive commitment lapses at an election of the guarantor that made it',
    basis: assumption,
  },
  'lapse-appropriation-law': {
    kind: 'probability',
    default: 0.08,
    low: 0.02,
    high: 0.2,
    description: 'Chance that a commitment under an appropriation law lapses at an election',
    basis: assumption,
  },
  'lapse-treaty': {
    kind: 'probability',
    default: 0.02,
    low: 0,
    high: 0.05,
    description: 'Chance that a ratified treaty commitment lapses at an election',
    basis: 'assumption; NATO Art. 13 [C]: leaving takes a year of notice after 20 years in force',
  },
  embolden: {
    kind: 'number',
    default: 0.05,
    low: 0.02,
    high: 0.1,
    description: "Added to the adversary's boldness (1 at the start) for each of its violations that goes unpunished",
    basis: 'assumption on the size; the direction is Fortna (2003) [C]: agreements work by raising the cost of attack',
  },
  deter: {
    kind: 'probability',
    default: 0.5,
    low: 0.25,
    high: 0.75,
    description: "Share by which a timely material response cuts the adversary's boldness",
    basis: 'assumption on the size; direction as for embolden',
  },
  'deterrence-weight': {
    kind: 'probability',
    default: 0.8,
    low: 0.4,
    high: 1,
    description:
      'How far the credibility of the response to an armed attack lowers the chance that the adversary launches one when its strategy calls for it',
    basis:
      'assumption on the size; the direction is Fortna (2003) [C]: third-party guarantees and peacekeeping lengthen peace by raising the cost of attack',
  },
  peacekeeping: {
    kind: 'probability',
    default: 0.5,
    low: 0.25,
    high: 0.75,
    description:
      'Share by which third-party personnel on the ground (a peacekeeping or monitoring mission) lower the chance that the adversary launches an offensive, whatever the credibility of the response',
    basis:
      'direction: Fortna (2003) [C], peacekeeping affects the duration of peace, and Fortna (2004) [C]; size: peacekeepers "reduce the risk of subsequent fighting between former belligerents from 50 percent to 75 percent" (Fortna, as summarised in PKSOI, "Pay Me Now or Pay Me Later") [S]; the default is the low end',
  },
  'late-deter': {
    kind: 'probability',
    default: 0.5,
    low: 0.2,
    high: 0.8,
    description: 'A late material response deters by this share of a timely one',
    basis: assumption,
  },
  'impunity-window': {
    kind: 'duration',
    default: 14,
    low: 7,
    high: 30,
    description: 'After a violation that opens no case, the time after which the adversary counts it unpunished',
    basis: assumption,
  },
  'max-boldness': {
    kind: 'number',
    default: 3,
    low: 2,
    high: 5,
    description: "Upper bound on the adversary's boldness",
    basis: assumption,
  },
  'advance-rate': {
    kind: 'speed',
    default: 5,
    low: 2,
    high: 10,
    description:
      'Median rate of advance of an offensive; the package value (`assumptions.advance-rate`) replaces the default',
    basis: 'package assumption; the example package assumes 5 km/day',
  },
  'advance-spread': {
    kind: 'number',
    default: 0.5,
    low: 0.25,
    high: 1,
    description: 'Log-normal spread (sigma) of the rate of advance between offensives',
    basis: assumption,
  },
  'offensive-days': {
    kind: 'duration',
    default: 30,
    low: 10,
    high: 60,
    description: 'Longest an offensive runs before it culminates on its own',
    basis: assumption,
  },
  'defence-halt': {
    kind: 'probability',
    default: 0.05,
    low: 0.02,
    high: 0.15,
    description: "Daily chance that the protected state's own defence halts an offensive",
    basis: assumption,
  },
  'offensive-fire': {
    kind: 'count',
    default: 4,
    low: 1,
    high: 8,
    description:
      'Fire acts (artillery, strikes) per day supporting an offensive, each a violation the fire triggers can count',
    basis: 'assumption: offensives are prepared and supported by fire (Debaltseve, Jan-Feb 2015 [C])',
  },
  'collapse-depth': {
    kind: 'distance',
    default: 10,
    low: 5,
    high: 20,
    description: 'Ground an offensive must gain before the first material response for the run to count as a collapse',
    basis: 'assumption; Debaltseve fell 3 days into Minsk II (18 Feb 2015) [C]',
  },
  'blind-factor': {
    kind: 'probability',
    default: 0.3,
    low: 0.1,
    high: 0.6,
    description:
      'Multiplier on the detection probability of access-dependent sources while the adversary denies access and jams',
    basis: 'assumption; the OSCE SMM reported restrictions of its movement and UAV jamming daily [C]',
  },
  attribution: {
    kind: 'probability',
    default: 0.25,
    low: 0.1,
    high: 0.5,
    description:
      'Chance that a deniable act is attributed to the adversary (an unattributed act cannot meet a trigger)',
    basis: assumption,
  },
  'offensive-attribution': {
    kind: 'probability',
    default: 0.3,
    low: 0.1,
    high: 0.6,
    description: 'Daily chance that a deniable offensive is attributed',
    basis: assumption,
  },
  'victim-report': {
    kind: 'probability',
    default: 0.9,
    low: 0.5,
    high: 1,
    description:
      'Chance a day that the protected side reports an armed advance into its territory, counted as one source of its own, when the package names no source it operates that detects an advance',
    basis:
      'assumption; UN Charter Art. 51 [C]: measures taken in self-defence "shall be immediately reported to the Security Council"',
  },
  'victim-latency': {
    kind: 'duration',
    default: 1,
    low: 0.25,
    high: 3,
    description: "From an armed advance to the protected side's report of it (the stand-in source above)",
    basis: 'assumption; NATO 2001 [C]: the Council met on the attack within 24 hours',
  },
  'erosion-window': {
    kind: 'duration',
    default: 180,
    low: 90,
    high: 365,
    description: 'The closing stretch of the horizon in which unpunished violations are counted to decide erosion',
    basis: assumption,
  },
  'erosion-threshold': {
    kind: 'count',
    default: 6,
    low: 3,
    high: 12,
    description: 'Unpunished violations in the erosion window that make a run count as eroded (violations normalised)',
    basis: 'assumption: one a month; OHCHR still counted 110 civilian casualties in 2021 under Minsk II [C]',
  },
} as const satisfies Record<string, ParamSpec>;

export type ParamName = keyof typeof paramSpecs;
export const paramNames = Object.keys(paramSpecs) as ParamName[];

/** Parameter values in internal units, plus the source kinds that need access (and so can be blinded). */
export type ModelParams = { -readonly [K in ParamName]: number } & { blindable: readonly SourceKind[] };

export const defaultBlindable: readonly SourceKind[] = ['uav', 'patrol', 'inspection-team', 'fixed-camera'];
export const blindableBasis =
  'assumption: sources that need access on the ground or a clear radio link; satellites, radars and acoustic arrays are not denied by a party on the ground';

export function defaultParams(): ModelParams {
  const p = { blindable: defaultBlindable } as ModelParams;
  for (const k of paramNames) (p as Record<string, unknown>)[k] = paramSpecs[k].default;
  return p;
}

export { sourceKinds };
