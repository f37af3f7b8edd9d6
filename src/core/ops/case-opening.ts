/**
 * The breach case record the pipeline writes (trigger.ts computes it): a leaf module, so the ports can name a case
 * without importing the triggers.
 */
import type { ObservationRef } from './violation.js';

export interface EvidenceLink {
  violation: string;
  incident: string;
  prohibition: string;
  time: number;
  confidence: number;
  corroboration: number;
  depth?: number;
  observations: ObservationRef[];
}

export interface CaseOpening {
  id: string;
  /** (trigger, party, window): unique per breach. */
  key: string;
  trigger: string;
  severity: string;
  /** An actor id, or `undetermined`. */
  party: string;
  windowStart: number;
  /** Exclusive; null for a window without end. */
  windowEnd: number | null;
  /** Event time at which the threshold was met. */
  breachAt: number;
  /** Processing time: the judgment clock starts here. */
  openedAt: number;
  /** The run's qualifying violations, by time (then id): every one known, whenever it arrived. */
  evidence: EvidenceLink[];
  /** Greatest depth beyond the line among them (depth triggers). */
  depth?: number;
  /** 1 when opened; one more at each revision (a late or changed violation changed the content). */
  revision: number;
  /** Processing time of this revision; absent on the opening. */
  revisedAt?: number;
  /** The window no longer holds a run (its violations withdrawn or moved): the case stands, with what remains. */
  lapsed?: true;
}
