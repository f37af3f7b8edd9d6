/**
 * The incident record: reports of one event fused together (fusion.ts computes it), and the windows that say how far
 * apart in time two reports of an activity may be and still be one event. A leaf module, so the ports, the index,
 * attribution and violations can name an incident without importing fusion itself.
 */
import { DAY, HOUR, MINUTE } from '../spec/units.js';
import type { Activity, WeaponClass } from '../spec/vocabulary.js';
import type { Box } from './geodesy.js';
import type { AttributionBasis } from './observation.js';

/** One report inside an incident: what fusion and attribution need, without the evidence list. */
export interface IncidentMember {
  source: string;
  sourceId: string;
  operator: string;
  confidence: number;
  time: number;
  start: number;
  end: number;
  lon?: number;
  lat?: number;
  radius: number;
  altitude?: number;
  region?: string;
  weapon?: WeaponClass;
  count: number;
  attribution?: { party: string; basis: AttributionBasis };
}

/**
 * Why a revision was made: `created`; `joined` (it gained reports); `regrouped` (it lost reports, which an earlier
 * report's arrival moved to another incident, and perhaps gained some); `merged-into` (dissolved: its founding
 * report now belongs to an earlier incident, named by `mergedInto`); `refounded` (a dissolved incident founded
 * again); `merged` (it absorbed others: made by the fusion before canonical order, kept in stored revisions).
 */
export type IncidentReason = 'created' | 'joined' | 'regrouped' | 'merged' | 'merged-into' | 'refounded';

/** An incident at one revision: a full snapshot, never mutated once returned. */
export interface Incident {
  id: string;
  /** 1 when created; +1 on every change. */
  revision: number;
  status: 'open' | 'merged';
  reason: IncidentReason;
  /** For `merged-into`: the incident that absorbed this one. */
  mergedInto?: string;
  /** For `merged`: the incidents absorbed in this revision. */
  absorbed?: string[];
  activity: Activity;
  /** In canonical order: event time, then source and id (fusion.ts `canonicalOrder`). */
  members: IncidentMember[];
  confidence: number;
  /** Distinct operators among the members. */
  corroboration: number;
  operators: string[];
  weapons: WeaponClass[];
  count: number;
  /** Best estimate of when, and the span of the members' intervals. */
  time: number;
  start: number;
  end: number;
  /** Point incidents: weighted mean position and the smallest member radius; region incidents: the region. */
  lon?: number;
  lat?: number;
  radius: number;
  altitude?: number;
  region?: string;
  /** The box around every member's uncertainty disc (point incidents). */
  box?: Box;
  /** Processing times (the injected clock). */
  createdAt: number;
  updatedAt: number;
  /**
   * Ids of the violations this revision supports, set by the pipeline on the last revision of each incident in
   * a batch: the next batch compares against it to withdraw what no longer holds.
   */
  violations?: string[];
}

export interface FusionOptions {
  /** Largest gap between two reports' time intervals for them to be one event, by activity (ms). */
  windows: Partial<Record<Activity, number>>;
  /** For activities not in `windows`. */
  defaultWindow: number;
  /** Added to r1 + r2: reports rarely state their full error (metres). */
  slack: number;
}

/**
 * Windows by the nature of the activity: a shelling or strike is seconds to minutes long and reports of it are
 * timed by sensors; presence and access restrictions persist, and patrols report them once a day.
 */
export const defaultFusionOptions: FusionOptions = {
  windows: {
    'artillery-fire': 30 * MINUTE,
    'mortar-fire': 30 * MINUTE,
    'small-arms-fire': 30 * MINUTE,
    'missile-strike': 30 * MINUTE,
    'drone-strike': 30 * MINUTE,
    'air-strike': 30 * MINUTE,
    'naval-strike': 30 * MINUTE,
    overflight: 15 * MINUTE,
    'ground-advance': 6 * HOUR,
    'naval-incursion': 6 * HOUR,
    jamming: 2 * HOUR,
    'denial-of-access': 12 * HOUR,
    'troop-presence': DAY,
    'heavy-weapon-presence': DAY,
    reinforcement: DAY,
    'mine-laying': DAY,
    'nuclear-use': HOUR,
    'nuclear-threat': DAY,
    'economic-coercion': 7 * DAY,
  },
  defaultWindow: HOUR,
  slack: 1000,
};

export function windowOf(options: FusionOptions, activity: Activity): number {
  return options.windows[activity] ?? options.defaultWindow;
}
