/**
 * The public surface of the operations core: what the server, the stores, the CLI and the tests may use. Modules
 * outside src/core import operations from here, never from a file inside (scripts/check-boundaries.mjs enforces
 * it), so a module can be split or renamed without touching the layers above.
 */
export { caseTimeline, renderCaseTimelineMarkdown } from './case-timeline.js';
export type { CaseTimeline, EvidenceEntry } from './case-timeline.js';
export {
  MemoryCasework,
  acknowledgeCaseTask,
  casePlans,
  deliverCaseTask,
  fireDue,
  fireTimer,
  fromCaseOpening,
  openCase,
  responseFailures,
  timerPending,
  voteOnCase,
} from './casework.js';
export type { CaseFile, CasePlans, CaseStep, CaseTaskResult, InspectionRequest } from './casework.js';
export { ManualClock } from './clock.js';
export type { Clock } from './clock.js';
export { geoLocatorFor } from './geo-locator.js';
export { IncidentIndex } from './incident-index.js';
export { MAX_INSPECTION_NOTE, isInspection, requestInspection } from './inspection.js';
export type { InspectionInput } from './inspection.js';
export type { Incident } from './incident.js';
export { choices, verdictReasons } from './judgment-rules.js';
export type { Choice } from './judgment-rules.js';
export { judgmentView } from './judgment.js';
export type { JudgmentView, Rejection, VoteRecord } from './judgment.js';
export { MemoryOpsReader } from './memory-reader.js';
export { prepareOps } from './model.js';
export type { LineLocation, OpsModel, ZoneLocation, ZoneLocator } from './model.js';
export {
  attributionBases,
  notUnicode,
  observationJsonSchema,
  observationKey,
  parseObservationBatch,
  pathText,
} from './observation.js';
export type { Observation, ObservationInput, ObservationRules } from './observation.js';
export { processBatch } from './pipeline.js';
export type { BatchResult } from './pipeline.js';
export { parseAcled } from './replay/acled.js';
export { parseAlerts } from './replay/alerts.js';
export { parseCrosswalk } from './replay/crosswalk.js';
export { CsvFormatError, parseCsv } from './replay/csv.js';
export { parseUcdp, ucdpActivity } from './replay/ucdp.js';
export type { ReplayParse } from './replay/ucdp.js';
export { taskId } from './response.js';
export type { ResponseFailure, ResponseTask } from './response.js';
export { compareTimers, dueTimers, timerRank } from './timer.js';
export type { Timer, TimerKind } from './timer.js';
export type { CaseOpening } from './trigger.js';
export { violationChanges } from './violation.js';
export type { Violation } from './violation.js';
export { VOTE_STATEMENT_TYPE, keyFingerprint, parseMemberKey, signVote, verifyLoggedVote, verifyVote } from './vote.js';
export type { LoggedVote, SignedVote, VoteRejectionCode, VoteStatement } from './vote.js';
