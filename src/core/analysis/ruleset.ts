/** Every rule of the analysis, in the order of the phases: ambiguity, verification, control, delay, decay. */
import type { Rule } from './rule.js';
import { coalitionUnanimity } from './rules/coalition-unanimity.js';
import { dormantTrigger } from './rules/dormant-trigger.js';
import { phaseGap } from './rules/phase-gap.js';
import { slowInspection } from './rules/slow-inspection.js';
import { termLapses } from './rules/term-lapses.js';
import { territoryWideProhibition } from './rules/territory-wide-prohibition.js';
import { unboundedStage } from './rules/unbounded-stage.js';
import { uncountedLimit } from './rules/uncounted-limit.js';
import { unpublishedRule } from './rules/unpublished-rule.js';
import { blockableJudgment } from './rules/blockable-judgment.js';
import { commitmentCliff } from './rules/commitment-cliff.js';
import { countWithoutWindow } from './rules/count-without-window.js';
import { deadlockedJudgment } from './rules/deadlocked-judgment.js';
import { depthBeforeResponse } from './rules/depth-before-response.js';
import { electionRisk } from './rules/election-risk.js';
import { hedgeWording } from './rules/hedge-wording.js';
import { independenceUnmet } from './rules/independence-unmet.js';
import { judgmentDeadline } from './rules/judgment-deadline.js';
import { leadTimeGap } from './rules/lead-time-gap.js';
import { missingAssumption } from './rules/missing-assumption.js';
import { missingJudgment } from './rules/missing-judgment.js';
import { noResponses } from './rules/no-responses.js';
import { noTriggers } from './rules/no-triggers.js';
import { noVerification } from './rules/no-verification.js';
import { nonBindingResponse } from './rules/non-binding-response.js';
import { nonMaterialTier } from './rules/non-material-tier.js';
import { nothingCommitted } from './rules/nothing-committed.js';
import { partyVerification } from './rules/party-verification.js';
import { responseNoTimeLimit } from './rules/response-no-time-limit.js';
import { severityWithoutResponse } from './rules/severity-without-response.js';
import { singleGuarantor } from './rules/single-guarantor.js';
import { slowResponse } from './rules/slow-response.js';
import { sustainmentShortfall } from './rules/sustainment-shortfall.js';
import { triggerWithoutEvidence } from './rules/trigger-without-evidence.js';
import { uncontrolledZone } from './rules/uncontrolled-zone.js';
import { unconvertedCurrency } from './rules/unconverted-currency.js';
import { uncoveredProhibition } from './rules/uncovered-prohibition.js';
import { uncoveredZone } from './rules/uncovered-zone.js';
import { undetectedActivity } from './rules/undetected-activity.js';

export const rules: readonly Rule[] = [
  uncoveredProhibition,
  noTriggers,
  triggerWithoutEvidence,
  countWithoutWindow,
  missingJudgment,
  blockableJudgment,
  unpublishedRule,
  deadlockedJudgment,
  judgmentDeadline,
  unboundedStage,
  phaseGap,
  dormantTrigger,
  territoryWideProhibition,
  severityWithoutResponse,
  nonMaterialTier,
  hedgeWording,
  responseNoTimeLimit,
  coalitionUnanimity,
  noResponses,
  noVerification,
  undetectedActivity,
  independenceUnmet,
  uncoveredZone,
  partyVerification,
  uncountedLimit,
  slowInspection,
  uncontrolledZone,
  slowResponse,
  depthBeforeResponse,
  missingAssumption,
  sustainmentShortfall,
  commitmentCliff,
  electionRisk,
  leadTimeGap,
  singleGuarantor,
  nothingCommitted,
  unconvertedCurrency,
  nonBindingResponse,
  termLapses,
];
