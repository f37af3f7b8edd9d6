/**
 * The sustainment ledger (docs/operations/ledger.md), pure: records and their validation, the ledger folded into
 * an index, the live month-twelve view (the same function as `explain`'s), coverage for the API and the public
 * status, and decay alerts. The store keeps records and alerts (`core/ports/ledger.ts`); the server wires them.
 */
export * from './record.js';
export {
  forbiddenItems,
  ledgerLimits,
  parseDeliveryBatch,
  parsePledgeBatch,
  type LedgerBatch,
  type LedgerLookup,
  type LedgerProblem,
  type LedgerRules,
} from './validate.js';
export { LedgerIndex, deliveryTime, pledgeCommitment, valueOf, type PledgeState } from './state.js';
export {
  aggregateCoverage,
  coverageReport,
  liveSustainment,
  type AggregateMonth,
  type CoverageMonth,
  type CoverageReport,
  type CoverageRequirement,
  type LiveSustainment,
} from './view.js';
export {
  acknowledgeAlert,
  alertKinds,
  alertSettings,
  alertStates,
  alertTransitions,
  deriveAlerts,
  type AlertCondition,
  type AlertKind,
  type AlertSettings,
  type AlertState,
  type SustainmentAlert,
} from './alerts.js';
