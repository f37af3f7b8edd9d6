/** The daily report as Markdown: headings and tables, for people and for mail. */
import { NO_REGION, type CaseRow, type CountRow, type DailyReport, type TaskRow } from './daily.js';

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const signed = (n: number): string => (n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '0');
/** ISO 8601 to `2026-06-20 09:03Z`: minutes are the report's resolution. */
export const when = (t: string | null | undefined): string => (t ? `${t.slice(0, 10)} ${t.slice(11, 16)}Z` : '—');

/** "37h 05m" / "3d 4h" / "overdue 2h 10m". */
export function clock(ms: number | null): string {
  if (ms === null) return 'no deadline';
  const m = Math.round(Math.abs(ms) / 60_000);
  const h = Math.floor(m / 60);
  const text = h >= 48 ? `${Math.floor(h / 24)}d ${h % 24}h` : `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return ms < 0 ? `passed ${text} ago` : `${text} left`;
}

function countTable(title: string, rows: readonly CountRow[]): string[] {
  if (!rows.length) return [`${title}: none in the last 8 days.`, ''];
  const out = [`| ${title} | day | previous day | change | 7-day mean | vs mean |`, '|---|--:|--:|--:|--:|--:|'];
  for (const r of rows)
    out.push(
      `| ${cell(r.label === r.key || r.key === NO_REGION ? r.label : `${r.label} (${r.key})`)} | ${r.count} | ${r.previous} | ${signed(r.delta)} | ${r.mean7} | ${signed(r.deltaMean7)} |`,
    );
  return [...out, ''];
}

function caseTable(rows: readonly CaseRow[]): string[] {
  if (!rows.length) return ['None.', ''];
  const out = [
    '| case | severity | trigger | attributed to | opened | clock | tally (declare/dismiss/abstain) |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const c of rows) {
    const clk = c.status === 'open' ? clock(c.timeLeft) : `${c.status} ${when(c.decidedAt)}`;
    out.push(
      `| \`${c.id}\` | ${c.severity} | ${c.trigger ?? '—'} | ${c.attributedTo.join(', ') || 'undetermined'} | ${when(c.openedAt)} | ${clk} | ${c.tally.declare}/${c.tally.dismiss}/${c.tally.abstain} |`,
    );
  }
  return [...out, ''];
}

const taskLine = (t: TaskRow): string =>
  `\`${t.task}\` ${t.action}, due ${when(t.dueAt)}${t.deliveredAt ? `, delivered ${when(t.deliveredAt)}${t.late ? ' **late**' : ''}` : ''}`;

export function renderReportMarkdown(r: DailyReport): string {
  const L: string[] = [];
  L.push(`# Daily report ${r.date}: ${r.package.title}`, '');
  L.push(
    `Package \`${r.package.id}\` version ${r.package.version || '—'}. ${r.variant === 'public' ? 'Public variant. ' : ''}Covers ${when(r.window.start)} to ${when(r.window.end)} UTC (cut-off ${r.window.cutoff} at UTC${r.window.offset === 'Z' ? '' : r.window.offset}); records with event times before the cut-off.`,
    '',
  );

  const v = r.violations;
  if (v) {
    L.push('## Violations', '');
    L.push(
      `**${v.total.count}** incidents in violation (previous day ${v.total.previous}, change ${signed(v.total.delta)}; 7-day mean ${v.total.mean7}, ${signed(v.total.deltaMean7)}).`,
      '',
    );
    L.push(...countTable('type', v.byType), ...countTable('region', v.byRegion));
    if (v.byProhibition) L.push(...countTable('prohibition (violation records)', v.byProhibition));
    if (v.byParty) L.push(...countTable('attributed to', v.byParty));
    L.push(`Last ${v.daily.length} days: ${v.daily.map((d) => d.count).join(' ')}`, '');
  }
  const h = r.heavyWeapons;
  if (h) {
    L.push('## Heavy weapons in violation', '');
    L.push(`${h.total} violation records of withdrawal clauses (previous day ${h.previous}).`, '');
    if (h.byClassAndZone.length) {
      L.push('| weapon class | zone | count |', '|---|---|--:|');
      for (const x of h.byClassAndZone) L.push(`| ${x.weapon} | ${x.zone} | ${x.count} |`);
      L.push('');
    }
  }
  const a = r.access;
  if (a) {
    L.push('## Freedom of movement: denials of access and jamming', '');
    L.push(`${a.total} findings (previous day ${a.previous}).`, '');
    for (const f of a.findings) {
      L.push(
        `- ${when(f.time)}: **${f.activity}**${f.region ? ` in ${f.region}` : ''}${f.zones.length ? ` (${f.zones.join(', ')})` : ''}, attributed to ${f.party}; ${f.prohibitions.join(', ')}; reported by ${f.operators.join(', ')} (\`${f.incident}\`)`,
      );
    }
    if (a.findings.length) L.push('');
  }
  const c = r.cases;
  if (c) {
    L.push('## Cases', '');
    if ('open' in c) {
      L.push(
        `${c.counts.new} new, ${c.counts.open} open, ${c.counts.declared} declared, ${c.counts.dismissed} dismissed, ${c.counts.lapsed} lapsed.`,
        '',
      );
      L.push('### New', '', ...caseTable(c.new), '### Open, soonest deadline first', '', ...caseTable(c.open));
      L.push('### Declared', '', ...caseTable(c.declared), '### Dismissed', '', ...caseTable(c.dismissed));
      if (c.lapsed.length) L.push('### Lapsed undecided', '', ...caseTable(c.lapsed));
    } else {
      L.push(`${c.counts.declared} breaches declared.`, '');
      for (const d of c.declared)
        L.push(`- ${when(d.declaredAt)}: ${/^[aeiou]/i.test(d.severity) ? 'an' : 'a'} ${d.severity} breach declared`);
      if (c.declared.length) L.push('');
    }
  }
  if (r.votes) {
    L.push('## Votes pending', '');
    if (!r.votes.byMember.length) L.push('None.', '');
    for (const m of r.votes.byMember)
      L.push(`- **${m.member}**: ${m.pending.length} (${m.pending.map((x) => `\`${x}\``).join(', ')})`);
    if (r.votes.byMember.length) L.push('');
  }
  const resp = r.responses;
  if (resp) {
    L.push('## Responses', '');
    if ('byActor' in resp) {
      if (!resp.byActor.length) L.push('No response tasks.', '');
      else {
        L.push('| responder | role | due | delivered | overdue |', '|---|---|--:|--:|--:|');
        for (const x of resp.byActor)
          L.push(
            `| ${x.actor} | ${x.role} | ${x.due.length} | ${x.delivered.length} | ${x.overdue.length}${x.overdue.length ? ' **failing**' : ''} |`,
          );
        L.push('');
        for (const x of resp.byActor) {
          for (const t of x.overdue) L.push(`- **overdue** ${x.actor}: ${taskLine(t)}`);
          for (const t of x.delivered) L.push(`- delivered ${x.actor}: ${taskLine(t)}`);
          for (const t of x.due) L.push(`- due ${x.actor}: ${taskLine(t)}`);
        }
        L.push('');
      }
    } else {
      if (!resp.publicMarks.length) L.push('No publicly marked response failures.', '');
      for (const m of resp.publicMarks)
        L.push(`- ${m.actor} failed to ${m.action} (due ${when(m.dueAt)}; marked ${when(m.markedAt)})`);
      if (resp.publicMarks.length) L.push('');
    }
  }
  if (r.sustainment) {
    L.push('## Sustainment', '');
    if (r.sustainment.status === 'no-ledger')
      L.push('No ledger: this server keeps no sustainment ledger, so there are no decay alerts to report.', '');
    else {
      if (!r.sustainment.alerts.length) L.push('No decay alerts open at the cut-off.', '');
      for (const x of r.sustainment.alerts)
        L.push(
          `- **${x.kind}** from ${x.month}, ${x.requirement}${x.guarantor ? `, ${x.guarantor}` : ''}: ${cell(x.message)} (raised ${when(x.raisedAt)}${x.state === 'acknowledged' ? ', acknowledged' : ''})`,
        );
      if (r.sustainment.alerts.length) L.push('');
    }
  }
  L.push('## Log checkpoint', '');
  const cp = r.checkpoint;
  if (!cp) L.push('No checkpoint: the report was computed without a transparency log.');
  else {
    L.push(
      `Computed at checkpoint **${cp.size}** of \`${cp.origin}\`, root \`${cp.root}\` (hex \`${cp.rootHex}\`), signed ${when(cp.time)}.`,
    );
    L.push(cp.witnesses.length ? `Cosigned by ${cp.witnesses.join(', ')}.` : 'No witness cosignatures.');
  }
  return L.join('\n') + '\n';
}
