/**
 * The records the API returns, as shared schemas (OpenAPI `components.schemas`, referenced as `NAME#` from route
 * schemas): every field the core's type gives the record, `required` for those it always has, `null` where the type
 * says so, and `additionalProperties: false`, since these shapes are closed. Fastify serializes answers with them
 * (a field not named here would be dropped), and the contract test checks every handler's answer against them
 * before serialization (src/server/contract.ts), so a field forgotten here fails the tests.
 *
 * Enums come from the core's vocabularies. Package values (sources, actors) are strings here: stored records may
 * predate the package version in force; the observation input lists the package's own (observationInput).
 */
import { activities, weaponClasses } from '../core/spec/vocabulary.js';
import { deadlineDefaults, escalationSteps, responseActions, responseStarts } from '../core/spec/vocabulary.js';
import { attributionBases, choices, verdictReasons } from '../core/ops/index.js';
import { roles } from '../core/ports/store.js';
import { dailyReportSchema } from './report-schema.js';
import { packageAnalysisSchema, packageMapSchema, packageModelSchema } from './package-schemas.js';

const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const num = { type: 'number' } as const;
const bool = { type: 'boolean' } as const;
const strings = { type: 'array', items: str } as const;
const ms = (description: string) => ({ type: 'integer', description }) as const;
const nullableMs = (description: string) => ({ type: ['integer', 'null'], description }) as const;
const oneOfStrings = <T extends readonly string[]>(values: T) => ({ type: 'string', enum: [...values] }) as const;

/** A closed object: `required` lists every field always sent. */
const record = <P extends Record<string, unknown>, R extends readonly (keyof P & string)[]>(
  $id: string,
  description: string,
  required: R,
  properties: P,
) => ({ $id, description, type: 'object', additionalProperties: false, required, properties }) as const;

const tally = {
  type: 'object',
  additionalProperties: false,
  required: ['declare', 'dismiss', 'abstain', 'eligible'],
  properties: { declare: int, dismiss: int, abstain: int, eligible: int },
} as const;

export const attributionSchema = record(
  'Attribution',
  'Who a report holds responsible, and on what basis',
  ['party', 'basis'],
  {
    party: { type: 'string', description: 'An actor id of the package' },
    basis: oneOfStrings(attributionBases),
  },
);

export const observationSchema = record(
  'Observation',
  'A stored observation: normalised (times as epoch ms, interval start..end), with its id (seq)',
  [
    'seq',
    'source',
    'sourceId',
    'activity',
    'count',
    'time',
    'start',
    'end',
    'radius',
    'confidence',
    'evidence',
    'receivedAt',
    'submittedBy',
  ],
  {
    seq: { type: 'integer', description: 'The id: assigned in commit order' },
    source: { type: 'string', description: 'A verification source id of the package' },
    sourceId: str,
    activity: oneOfStrings(activities),
    weapon: oneOfStrings(weaponClasses),
    count: int,
    time: ms('The best time, epoch ms'),
    start: ms('The interval the event lies in: start, epoch ms'),
    end: ms('… and end, epoch ms'),
    lon: num,
    lat: num,
    radius: { type: 'number', description: 'Location uncertainty, metres (0: exact)' },
    altitude: num,
    region: str,
    confidence: num,
    attribution: { $ref: 'Attribution#' },
    evidence: { ...strings, description: 'SHA-256 content hashes' },
    note: str,
    receivedAt: ms('When the server stored it, epoch ms'),
    submittedBy: { type: 'string', description: 'The API key id that submitted it' },
  },
);

const incidentMember = {
  type: 'object',
  description: 'One report inside an incident',
  additionalProperties: false,
  required: ['source', 'sourceId', 'operator', 'confidence', 'time', 'start', 'end', 'radius', 'count'],
  properties: {
    source: str,
    sourceId: str,
    operator: str,
    confidence: num,
    time: int,
    start: int,
    end: int,
    lon: num,
    lat: num,
    radius: num,
    altitude: num,
    region: str,
    weapon: oneOfStrings(weaponClasses),
    count: int,
    attribution: { $ref: 'Attribution#' },
  },
} as const;

export const incidentSchema = record(
  'Incident',
  'An incident at one revision: its members (the observations fused into it), confidence, corroboration',
  [
    'id',
    'revision',
    'status',
    'reason',
    'activity',
    'members',
    'confidence',
    'corroboration',
    'operators',
    'weapons',
    'count',
    'time',
    'start',
    'end',
    'radius',
    'createdAt',
    'updatedAt',
  ],
  {
    id: str,
    revision: { type: 'integer', description: '1 when created; +1 on every change' },
    status: oneOfStrings(['open', 'merged']),
    reason: oneOfStrings(['created', 'joined', 'regrouped', 'merged', 'merged-into', 'refounded']),
    mergedInto: {
      type: 'string',
      description: "For merged-into: the incident that took this one's founding report (this one is dissolved)",
    },
    absorbed: { ...strings, description: 'For merged: the incidents absorbed in this revision' },
    activity: oneOfStrings(activities),
    members: { type: 'array', items: incidentMember },
    confidence: num,
    corroboration: { type: 'integer', description: 'Distinct operators among the members' },
    operators: strings,
    weapons: { type: 'array', items: oneOfStrings(weaponClasses) },
    count: int,
    time: int,
    start: int,
    end: int,
    lon: num,
    lat: num,
    radius: num,
    altitude: num,
    region: str,
    box: {
      type: 'array',
      description: "[minLon, minLat, maxLon, maxLat] around every member's uncertainty disc (point incidents)",
      minItems: 4,
      maxItems: 4,
      items: num,
    },
    createdAt: ms('Processing time'),
    updatedAt: ms('Processing time'),
    violations: { ...strings, description: 'Ids of the violations this revision supports' },
  },
);

const observationRef = {
  type: 'object',
  additionalProperties: false,
  required: ['source', 'sourceId'],
  properties: { source: str, sourceId: str },
} as const;

export const violationSchema = record(
  'Violation',
  'A violation of one prohibition by one incident, its attribution and basis, and its evidence chain',
  [
    'id',
    'revision',
    'status',
    'prohibition',
    'incidentId',
    'activity',
    'weapons',
    'party',
    'basis',
    'time',
    'start',
    'end',
    'radius',
    'zones',
    'confidence',
    'corroboration',
    'operators',
    'observations',
    'detectedAt',
  ],
  {
    id: str,
    revision: { type: 'integer', description: 'The incident revision it was computed from' },
    status: oneOfStrings(['active', 'withdrawn']),
    prohibition: str,
    incidentId: str,
    activity: oneOfStrings(activities),
    weapons: { type: 'array', items: oneOfStrings(weaponClasses) },
    party: { type: 'string', description: 'An actor id, or undetermined' },
    basis: oneOfStrings([...attributionBases, 'conflicting', 'none']),
    time: int,
    start: int,
    end: int,
    lon: num,
    lat: num,
    radius: num,
    region: str,
    regionCandidates: { ...strings, description: 'A point outside every region: every region its disc reaches' },
    zones: strings,
    line: {
      type: 'object',
      description: 'For across: the line, the side the incident is on, and how far from it (metres)',
      additionalProperties: false,
      required: ['zone', 'distance', 'side'],
      properties: { zone: str, distance: num, side: oneOfStrings(['left', 'right', 'on']) },
    },
    depth: { type: 'number', description: 'Metres beyond the line' },
    confidence: num,
    corroboration: int,
    operators: strings,
    observations: { type: 'array', items: observationRef },
    detectedAt: ms('Processing time of this revision'),
  },
);

export const caseSchema = record(
  'Case',
  'A breach case at its latest revision: its trigger, severity, party, window, evidence, and openedAt (the judgment clock starts there, whatever revisions follow)',
  ['id', 'key', 'trigger', 'severity', 'party', 'windowStart', 'windowEnd', 'breachAt', 'openedAt', 'evidence'],
  {
    id: str,
    key: { type: 'string', description: '(trigger, party, window): unique per breach' },
    trigger: str,
    severity: str,
    party: { type: 'string', description: 'An actor id, or undetermined' },
    windowStart: int,
    windowEnd: nullableMs('Exclusive; null for a window without end'),
    breachAt: ms('Event time at which the threshold was met'),
    openedAt: ms('Processing time: the judgment clock starts here'),
    revision: {
      type: 'integer',
      description: '1 when opened; one more at each revision (absent on cases opened before revisions)',
    },
    revisedAt: ms('Processing time of this revision (absent on the opening)'),
    lapsed: {
      type: 'boolean',
      description:
        'The window no longer holds a run (its violations withdrawn or moved): the case stands, with what remains',
    },
    evidence: {
      type: 'array',
      description: 'The qualifying violations of the run, by time: every one known, whenever it arrived',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['violation', 'incident', 'prohibition', 'time', 'confidence', 'corroboration', 'observations'],
        properties: {
          violation: str,
          incident: str,
          prohibition: str,
          time: int,
          confidence: num,
          corroboration: int,
          depth: num,
          observations: { type: 'array', items: observationRef },
        },
      },
    },
    depth: { type: 'number', description: 'Greatest depth beyond the line among them (depth triggers)' },
  },
);

export const outcomeSchema = record(
  'Outcome',
  'How a case was decided',
  ['result', 'effect', 'at', 'by', 'reason', 'tally', 'votes', 'blockedBy', 'nonVoters'],
  {
    result: oneOfStrings(['declared', 'dismissed', 'defaulted']),
    default: { ...oneOfStrings(deadlineDefaults), description: "For defaulted: the package's on-deadline" },
    effect: oneOfStrings(['declare', 'dismiss', 'none']),
    at: int,
    by: oneOfStrings(['vote', 'deadline', 'no-judgment']),
    reason: oneOfStrings([...verdictReasons, 'deadline-default', 'no-judgment']),
    tally,
    votes: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['member', 'choice'],
        properties: { member: str, choice: oneOfStrings(choices) },
      },
    },
    blockedBy: strings,
    nonVoters: strings,
  },
);

const judgmentProperties = {
  caseId: str,
  severity: str,
  status: oneOfStrings(['open', 'decided']),
  openedAt: int,
  deadline: nullableMs('Epoch ms; null without a deadline'),
  timeLeft: nullableMs('Milliseconds until the deadline (0 once passed); null without a deadline'),
  tally,
  leaning: {
    type: 'object',
    description: 'What the votes say now, if nobody else voted',
    additionalProperties: false,
    required: ['verdict', 'reason'],
    properties: { verdict: oneOfStrings(['declare', 'dismiss', 'none']), reason: oneOfStrings(verdictReasons) },
  },
  votes: {
    type: 'array',
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['member', 'choice', 'at', 'changed'],
      properties: { member: str, choice: oneOfStrings(choices), at: int, reason: str, changed: bool },
    },
  },
  pending: strings,
  recused: {
    type: 'array',
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['member', 'reason'],
      properties: { member: str, reason: oneOfStrings(['party-to-conflict', 'attributed', 'listed']) },
    },
  },
  outcome: { $ref: 'Outcome#' },
} as const;
const judgmentRequired = [
  'caseId',
  'severity',
  'status',
  'openedAt',
  'deadline',
  'timeLeft',
  'tally',
  'leaning',
  'votes',
  'pending',
  'recused',
] as const;

export const judgmentSchema = record(
  'Judgment',
  'The tally, who voted what and when, who has not, time left, the outcome',
  judgmentRequired,
  judgmentProperties,
);

export const boardItemSchema = record(
  'CaseBoardItem',
  'A case on the board: its judgment as of now, with the case as opened',
  [...judgmentRequired, 'case'],
  { ...judgmentProperties, case: { $ref: 'Case#' } },
);

export const voteRecordSchema = record('Vote', 'An accepted vote, as recorded', ['member', 'choice', 'at', 'seq'], {
  member: str,
  choice: oneOfStrings(choices),
  at: ms('When it was received (the server clock)'),
  reason: str,
  statement: { type: 'string', description: 'Digest of the signed statement' },
  signed: {
    type: 'object',
    additionalProperties: false,
    required: ['statement', 'signature'],
    properties: { statement: str, signature: str },
  },
  salt: { type: 'string', description: "The salt of the vote's sealed log entry (hex)" },
  seq: { type: 'integer', description: "Position in the case's accepted votes, from 1" },
  previous: { ...oneOfStrings(choices), description: "The member's previous vote, when this one changes it" },
});

export const failureSchema = record(
  'ResponseFailure',
  'A responsible actor missed its deadline',
  ['taskId', 'caseId', 'actor', 'role', 'action', 'material', 'dueAt', 'at'],
  {
    taskId: str,
    caseId: str,
    actor: str,
    role: oneOfStrings([...roles, 'unknown']),
    action: oneOfStrings(responseActions),
    material: bool,
    dueAt: int,
    at: ms('When it was recorded: the due time'),
  },
);

export const taskSchema = record(
  'Task',
  'A response task: who owes what, by when, and what happened to it',
  [
    'id',
    'caseId',
    'severity',
    'index',
    'action',
    'material',
    'actor',
    'automatic',
    'upon',
    'declaredAt',
    'dueAt',
    'status',
    'overdue',
    'escalations',
  ],
  {
    id: str,
    caseId: str,
    severity: str,
    index: { type: 'integer', description: "Position of the response in the severity's list" },
    action: oneOfStrings(responseActions),
    material: bool,
    actor: str,
    automatic: bool,
    upon: oneOfStrings(responseStarts),
    declaredAt: ms('When its clock started'),
    dueAt: nullableMs('Null when the package gives the response no within'),
    status: oneOfStrings(['open', 'acknowledged', 'delivered']),
    acknowledgedAt: int,
    deliveredAt: int,
    note: str,
    evidence: { ...strings, description: 'sha256: + 64 hex digits' },
    overdue: { type: 'boolean', description: 'Set when the due time passed before delivery' },
    failure: { $ref: 'ResponseFailure#' },
    escalations: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['index', 'step', 'at', 'level'],
        properties: {
          index: { type: 'integer', description: "Position in the package's escalation list" },
          step: oneOfStrings(escalationSteps),
          at: int,
          level: int,
        },
      },
    },
    publicMarkAt: ms('When a public-mark step fired'),
  },
);

/** Every kind of timeline entry, each closed (the `kind` tells which). */
const entry = <R extends readonly string[], P extends Record<string, unknown>>(
  kind: string | readonly string[],
  required: R,
  properties: P,
) =>
  ({
    type: 'object',
    additionalProperties: false,
    required: ['at', 'kind', ...required],
    properties: { at: int, kind: typeof kind === 'string' ? { const: kind } : oneOfStrings(kind), ...properties },
  }) as const;

export const timelineSchema = record(
  'Timeline',
  'A case as one ordered timeline: evidence, opening, votes, judgment, tasks, failures, and what is still to come',
  ['version', 'caseId', 'severity', 'openedAt', 'asOf', 'judgment', 'tasks', 'failures', 'entries', 'upcoming'],
  {
    version: { const: 1 },
    caseId: str,
    severity: str,
    trigger: str,
    openedAt: int,
    asOf: ms('When the timeline was drawn'),
    judgment: { $ref: 'Judgment#' },
    tasks: { type: 'array', items: { $ref: 'Task#' } },
    failures: { type: 'array', items: { $ref: 'ResponseFailure#' } },
    entries: {
      type: 'array',
      items: {
        oneOf: [
          entry(['observation', 'incident', 'violation'], ['id', 'summary'], { id: str, summary: str }),
          entry('case-opened', ['severity'], { trigger: str, severity: str, attributedTo: strings }),
          entry('vote', ['member', 'choice'], { member: str, choice: str, reason: str, previous: str }),
          entry('vote-rejected', ['member', 'choice', 'code', 'message'], {
            member: str,
            choice: str,
            code: str,
            message: str,
          }),
          entry('judgment', ['result', 'by', 'reason', 'tally', 'blockedBy', 'nonVoters'], {
            result: str,
            default: str,
            by: str,
            reason: str,
            tally,
            blockedBy: strings,
            nonVoters: strings,
          }),
          entry('task-created', ['task', 'actor', 'action', 'dueAt', 'automatic'], {
            task: str,
            actor: str,
            action: str,
            dueAt: { type: ['integer', 'null'] },
            automatic: bool,
          }),
          entry('task-acknowledged', ['task', 'actor'], { task: str, actor: str }),
          entry('task-delivered', ['task', 'actor', 'note', 'evidence', 'late'], {
            task: str,
            actor: str,
            note: str,
            evidence: strings,
            late: bool,
          }),
          entry('response-failure', ['task', 'actor', 'action', 'material'], {
            task: str,
            actor: str,
            action: str,
            material: bool,
          }),
          entry('escalation', ['task', 'actor', 'step', 'level'], { task: str, actor: str, step: str, level: int }),
        ],
      },
    },
    upcoming: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['at', 'kind'],
        properties: { at: int, kind: oneOfStrings(['judgment-deadline', 'task-due']), task: str, actor: str },
      },
    },
  },
);

export const memberKeySchema = record(
  'MemberKey',
  "A member's registered Ed25519 public key",
  ['member', 'fingerprint', 'publicKey', 'createdAt'],
  {
    member: str,
    fingerprint: str,
    publicKey: { type: 'string', description: 'SPKI PEM' },
    createdAt: int,
    revokedAt: int,
  },
);

/** Registered with every app (src/server/app.ts); the OpenAPI document names each after its `$id`. */
export const sharedSchemas = [
  attributionSchema,
  observationSchema,
  incidentSchema,
  violationSchema,
  caseSchema,
  outcomeSchema,
  judgmentSchema,
  boardItemSchema,
  voteRecordSchema,
  failureSchema,
  taskSchema,
  timelineSchema,
  memberKeySchema,
] as const;

/**
 * Large schemas of routes that send bytes they prepared (`preparedBody`): in the document's components only. Fastify
 * hands every shared schema to the serializer of every route, at every start (about 0.35 s for the package model
 * alone), and these routes have no serializer to give them to.
 */
export function documentOnlySchemas(): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    [dailyReportSchema, packageModelSchema(), packageMapSchema, packageAnalysisSchema].map(({ $id, ...schema }) => [
      $id,
      schema,
    ]),
  );
}

/** A reference to one of `documentOnlySchemas`, from a route that uses `preparedBody`. */
export const documentRef = (name: 'DailyReport' | 'PackageModel' | 'PackageMap' | 'PackageAnalysis') =>
  ({ $ref: `#/components/schemas/${name}` }) as const;
