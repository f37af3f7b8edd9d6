/**
 * A case's full record as one ordered timeline: the evidence that opened it (observations, incidents, violations,
 * supplied by the caller from the store), the opening, every vote and rejected vote, the judgment, and every
 * response task's life (created, acknowledged, delivered, overdue, escalated, publicly marked), with what is still
 * to come. Rendered as JSON (versioned) and as Markdown for people.
 */
import type { CaseFile } from './casework.js';
import { judgmentView, type JudgmentPlan, type JudgmentView } from './judgment.js';
import { deliveredLate, type ResponseFailure, type ResponseTask } from './response.js';

/** A piece of evidence from the operations pipeline, as the caller summarises it. */
export interface EvidenceEntry {
  at: number;
  kind: 'observation' | 'incident' | 'violation';
  id: string;
  summary: string;
}

export type TimelineEntry =
  | EvidenceEntry
  | { at: number; kind: 'case-opened'; trigger?: string; severity: string; attributedTo?: string[] }
  | { at: number; kind: 'vote'; member: string; choice: string; reason?: string; previous?: string }
  | { at: number; kind: 'vote-rejected'; member: string; choice: string; code: string; message: string }
  | {
      at: number;
      kind: 'judgment';
      result: string;
      default?: string;
      by: string;
      reason: string;
      tally: { declare: number; dismiss: number; abstain: number; eligible: number };
      blockedBy: string[];
      nonVoters: string[];
    }
  | {
      at: number;
      kind: 'task-created';
      task: string;
      actor: string;
      action: string;
      dueAt: number | null;
      automatic: boolean;
    }
  | { at: number; kind: 'task-acknowledged'; task: string; actor: string }
  | { at: number; kind: 'task-delivered'; task: string; actor: string; note: string; evidence: string[]; late: boolean }
  | { at: number; kind: 'response-failure'; task: string; actor: string; action: string; material: boolean }
  | { at: number; kind: 'escalation'; task: string; actor: string; step: string; level: number };

export interface UpcomingEntry {
  at: number;
  kind: 'judgment-deadline' | 'task-due';
  task?: string;
  actor?: string;
}

export interface CaseTimeline {
  version: 1;
  caseId: string;
  severity: string;
  trigger?: string;
  openedAt: number;
  /** When the timeline was drawn: time left and "upcoming" are relative to it. */
  asOf: number;
  judgment: JudgmentView;
  tasks: ResponseTask[];
  failures: ResponseFailure[];
  entries: TimelineEntry[];
  upcoming: UpcomingEntry[];
}

const rank: Record<TimelineEntry['kind'], number> = {
  observation: 0,
  incident: 1,
  violation: 2,
  'case-opened': 3,
  vote: 4,
  'vote-rejected': 5,
  judgment: 6,
  'task-created': 7,
  'task-acknowledged': 8,
  'task-delivered': 9,
  'response-failure': 10,
  escalation: 11,
};

export function caseTimeline(
  plan: JudgmentPlan | undefined,
  file: CaseFile,
  asOf: number,
  evidence: readonly EvidenceEntry[] = [],
): CaseTimeline {
  const entries: TimelineEntry[] = [...evidence];
  const j = file.judgment;
  entries.push({
    at: file.openedAt,
    kind: 'case-opened',
    severity: file.severity,
    ...(file.trigger === undefined ? {} : { trigger: file.trigger }),
    ...(file.attributedTo === undefined ? {} : { attributedTo: file.attributedTo }),
  });
  for (const v of j.votes) {
    entries.push({
      at: v.at,
      kind: 'vote',
      member: v.member,
      choice: v.choice,
      ...(v.reason === undefined ? {} : { reason: v.reason }),
      ...(v.previous === undefined ? {} : { previous: v.previous }),
    });
  }
  for (const r of j.rejections)
    entries.push({
      at: r.at,
      kind: 'vote-rejected',
      member: r.member,
      choice: r.choice,
      code: r.code,
      message: r.message,
    });
  if (j.outcome) {
    const o = j.outcome;
    entries.push({
      at: o.at,
      kind: 'judgment',
      result: o.result,
      ...(o.default === undefined ? {} : { default: o.default }),
      by: o.by,
      reason: o.reason,
      tally: o.tally,
      blockedBy: o.blockedBy,
      nonVoters: o.nonVoters,
    });
  }
  for (const t of file.tasks) {
    entries.push({
      at: t.declaredAt,
      kind: 'task-created',
      task: t.id,
      actor: t.actor,
      action: t.action,
      dueAt: t.dueAt,
      automatic: t.automatic,
    });
    if (t.acknowledgedAt !== undefined && t.acknowledgedAt !== t.deliveredAt)
      entries.push({ at: t.acknowledgedAt, kind: 'task-acknowledged', task: t.id, actor: t.actor });
    if (t.deliveredAt !== undefined) {
      entries.push({
        at: t.deliveredAt,
        kind: 'task-delivered',
        task: t.id,
        actor: t.actor,
        note: t.note ?? '',
        evidence: t.evidence ?? [],
        late: deliveredLate(t),
      });
    }
    if (t.failure)
      entries.push({
        at: t.failure.at,
        kind: 'response-failure',
        task: t.id,
        actor: t.actor,
        action: t.action,
        material: t.material,
      });
    for (const e of t.escalations)
      entries.push({ at: e.at, kind: 'escalation', task: t.id, actor: t.actor, step: e.step, level: e.level });
  }
  // Stable sort: same instant and kind keep insertion order (votes in arrival order, tasks in package order).
  entries.sort((a, b) => a.at - b.at || rank[a.kind] - rank[b.kind]);

  const upcoming: UpcomingEntry[] = [];
  if (!j.outcome && j.deadline !== null) upcoming.push({ at: j.deadline, kind: 'judgment-deadline' });
  for (const t of file.tasks)
    if (t.status !== 'delivered' && !t.overdue && t.dueAt !== null)
      upcoming.push({ at: t.dueAt, kind: 'task-due', task: t.id, actor: t.actor });
  upcoming.sort((a, b) => a.at - b.at);

  const view: JudgmentView = plan ? judgmentView(plan, j, asOf) : unjudgedView(file, asOf);
  return {
    version: 1,
    caseId: file.caseId,
    severity: file.severity,
    ...(file.trigger === undefined ? {} : { trigger: file.trigger }),
    openedAt: file.openedAt,
    asOf,
    judgment: view,
    tasks: file.tasks,
    failures: file.tasks.flatMap((t) => (t.failure ? [t.failure] : [])),
    entries,
    upcoming,
  };
}

function unjudgedView(file: CaseFile, asOf: number): JudgmentView {
  const j = file.judgment;
  return {
    caseId: file.caseId,
    severity: file.severity,
    status: j.outcome ? 'decided' : 'open',
    openedAt: file.openedAt,
    deadline: j.deadline,
    timeLeft: j.deadline === null ? null : Math.max(0, j.deadline - asOf),
    tally: { declare: 0, dismiss: 0, abstain: 0, eligible: 0 },
    leaning: { verdict: 'none', reason: 'no-votes' },
    votes: [],
    pending: [],
    recused: [],
    ...(j.outcome ? { outcome: j.outcome } : {}),
  };
}

const iso = (t: number): string => new Date(t).toISOString().replace('.000Z', 'Z');

/** Hours and minutes, for clocks: "37h 05m". */
export function formatDuration(ms: number): string {
  const m = Math.round(ms / 60_000);
  const h = Math.floor(m / 60);
  return h >= 48 ? `${Math.floor(h / 24)}d ${h % 24}h` : `${h}h ${String(m % 60).padStart(2, '0')}m`;
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function describe(e: TimelineEntry): [string, string] {
  switch (e.kind) {
    case 'observation':
    case 'incident':
    case 'violation':
      return [e.kind, `\`${e.id}\` ${e.summary}`];
    case 'case-opened':
      return [
        'case opened',
        `severity **${e.severity}**${e.trigger ? `, trigger \`${e.trigger}\`` : ''}${e.attributedTo?.length ? `, attributed to ${e.attributedTo.join(', ')}` : ''}`,
      ];
    case 'vote':
      return [
        'vote',
        `${e.member}: **${e.choice}**${e.previous ? ` (changed from ${e.previous})` : ''}${e.reason ? `: ${e.reason}` : ''}`,
      ];
    case 'vote-rejected':
      return ['vote rejected', `${e.member} (${e.choice}): ${e.code}: ${e.message}`];
    case 'judgment': {
      const what =
        e.result === 'defaulted'
          ? `**defaulted** to ${e.default} at the deadline`
          : `**${e.result}** (${e.reason}, by ${e.by})`;
      const t = e.tally;
      const parts = [
        `${what}; ${t.declare} declare, ${t.dismiss} dismiss, ${t.abstain} abstain of ${t.eligible} eligible`,
      ];
      if (e.blockedBy.length) parts.push(`blocked by ${e.blockedBy.join(', ')}`);
      if (e.nonVoters.length) parts.push(`did not vote: ${e.nonVoters.join(', ')}`);
      return ['judgment', parts.join('; ')];
    }
    case 'task-created':
      return [
        'task',
        `${e.actor}: ${e.action}${e.automatic ? ' (automatic)' : ''}, due ${e.dueAt === null ? 'with no deadline' : iso(e.dueAt)}`,
      ];
    case 'task-acknowledged':
      return ['acknowledged', `${e.actor}: \`${e.task}\``];
    case 'task-delivered':
      return [
        'delivered',
        `${e.actor}: \`${e.task}\`${e.late ? ' **late**' : ''}: ${e.note}${e.evidence.length ? ` (evidence ${e.evidence.map((h) => `\`${h.slice(0, 19)}…\``).join(', ')})` : ''}`,
      ];
    case 'response-failure':
      return [
        '**response failure**',
        `${e.actor} missed the deadline for ${e.action}${e.material ? ' (material)' : ''}`,
      ];
    case 'escalation':
      return [
        e.step === 'public-mark' ? '**public mark**' : e.step,
        `${e.actor}: \`${e.task}\`${e.step === 'escalate' ? ` (level ${e.level})` : ''}`,
      ];
  }
}

export function renderCaseTimelineMarkdown(t: CaseTimeline): string {
  const j = t.judgment;
  const lines: string[] = [`# Case ${t.caseId}`, ''];
  lines.push(`- Severity: **${t.severity}**${t.trigger ? ` (trigger \`${t.trigger}\`)` : ''}`);
  lines.push(`- Opened: ${iso(t.openedAt)}`);
  if (j.outcome) {
    const o = j.outcome;
    lines.push(
      `- Judgment: **${o.result}**${o.default ? ` (default: ${o.default})` : ''} at ${iso(o.at)}${o.blockedBy.length ? `; blocked by ${o.blockedBy.join(', ')}` : ''}`,
    );
    if (o.nonVoters.length) lines.push(`- Did not vote: ${o.nonVoters.join(', ')}`);
  } else {
    lines.push(
      `- Judgment: open; ${j.tally.declare} declare, ${j.tally.dismiss} dismiss, ${j.tally.abstain} abstain of ${j.tally.eligible}`,
    );
    if (j.deadline !== null)
      lines.push(`- Deadline: ${iso(j.deadline)} (${formatDuration(j.timeLeft ?? 0)} left as of ${iso(t.asOf)})`);
    if (j.pending.length) lines.push(`- Not yet voted: ${j.pending.join(', ')}`);
  }
  if (j.recused.length) lines.push(`- Recused: ${j.recused.map((r) => `${r.member} (${r.reason})`).join(', ')}`);
  if (t.tasks.length) {
    const delivered = t.tasks.filter((x) => x.status === 'delivered').length;
    lines.push(`- Responses: ${t.tasks.length} tasks, ${delivered} delivered, ${t.failures.length} response failures`);
  }
  lines.push('', '## Timeline', '', '| time (UTC) | event | detail |', '|---|---|---|');
  for (const e of t.entries) {
    const [what, detail] = describe(e);
    lines.push(`| ${iso(e.at)} | ${what} | ${cell(detail)} |`);
  }
  if (t.failures.length) {
    lines.push('', '## Response failures', '');
    for (const f of t.failures)
      lines.push(`- ${f.actor} (${f.role}) missed ${f.action}${f.material ? ' (material)' : ''}, due ${iso(f.dueAt)}`);
  }
  if (t.upcoming.length) {
    lines.push('', '## Upcoming', '');
    for (const u of t.upcoming) {
      lines.push(
        `- ${iso(u.at)} (in ${formatDuration(Math.max(0, u.at - t.asOf))}): ${u.kind === 'judgment-deadline' ? 'judgment deadline' : `${u.actor} due: \`${u.task}\``}`,
      );
    }
  }
  return lines.join('\n') + '\n';
}
