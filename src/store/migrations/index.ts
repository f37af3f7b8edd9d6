/** Every migration, one line each; the runner sorts them by id. Add new features' tables as new files. */
import type { Migration } from './migration.js';
import { operations } from './0001-operations.js';
import { casework } from './0002-casework.js';
import { tlog } from './0003-tlog.js';
import { tlogRecordIndex } from './0004-tlog-record-index.js';
import { incidentSpans } from './0005-incident-spans.js';
import { tlogEntryInRow } from './0006-tlog-entry-in-row.js';
import { tlogLeafBuckets } from './0007-tlog-leaf-buckets.js';
import { tlogKeyOut } from './0010-tlog-key-out.js';
import { tlogKeyIndex } from './0011-tlog-key-index.js';
import { trustRecord } from './0015-trust-record.js';
import { ledger } from './0020-ledger.js';
import { publicFace } from './0040-public.js';
import { feedRetention } from './0041-feed-retention.js';
import { timersByCase } from './0060-timers-by-case.js';
import { incidentProbeIndex } from './0061-incident-probe-index.js';
import { observationListIndexes } from './0063-observation-list-indexes.js';
import { caseBoard } from './0090-case-board.js';
import { caseRevisions } from './0110-case-revisions.js';
import { incidentProbeTiers } from './0120-incident-probe-tiers.js';
import { observationFilterIndexes } from './0130-observation-filter-indexes.js';
import { caseSteps } from './0140-case-steps.js';
import { incidentProbeByWriter } from './0170-incident-probe-by-writer.js';
import { violationReadsCovered } from './0190-violation-reads-covered.js';

export const migrations: readonly Migration[] = [
  operations,
  casework,
  tlog,
  tlogRecordIndex,
  incidentSpans,
  tlogEntryInRow,
  tlogLeafBuckets,
  tlogKeyOut,
  tlogKeyIndex,
  trustRecord,
  ledger,
  publicFace,
  feedRetention,
  timersByCase,
  incidentProbeIndex,
  observationListIndexes,
  caseBoard,
  caseRevisions,
  incidentProbeTiers,
  observationFilterIndexes,
  caseSteps,
  incidentProbeByWriter,
  violationReadsCovered,
];
