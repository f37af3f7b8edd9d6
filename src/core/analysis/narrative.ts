/**
 * The analysis in plain language: the day-one timeline of each trigger as an ordered list of moments a negotiator
 * can read aloud (`T+0h ... T+96h ...`), and the month-twelve view of what is committed against what is required.
 * Every number comes from the package (or from an assumption it states, named as such).
 */
import type { Package } from '../spec/schema.js';
import type { Analysis, ModelAnalysis } from './analyse.js';
import type { Sustainment } from './sustainment.js';
import { isAdvance, type Interval, type TriggerTimeline } from './timeline.js';
import { at, atWorst, duration, km, km2, list, money, percent, rate } from './wording.js';
import { itemAt, present } from '../item-at.js';

export interface Moment {
  /** Milliseconds after the breach begins, best and worst case (Infinity: never). */
  at: Interval;
  text: string;
  kind: 'breach' | 'threshold' | 'detection' | 'judgment' | 'response';
  material?: boolean;
  first?: boolean;
}

export interface TriggerStory {
  trigger: string;
  severity: string;
  headline: string;
  moments: Moment[];
  /** The closing sentence: first material response, depth and area gained. */
  summary: string;
}

const ordinal = (n: number) => (n === 1 ? 'first' : n === 2 ? 'second' : n === 3 ? 'third' : `${n}th`);

export function triggerStory(m: Package, tl: TriggerTimeline): TriggerStory {
  const t = itemAt(m.triggers, tl.trigger);
  const act = tl.slowest ?? tl.acts[0];
  const p = act ? m.prohibitions[act.prohibition] : undefined;
  const place = p
    ? p.across
      ? ` across \`${p.across}\``
      : p.inside
        ? ` in ${[p.inside]
            .flat()
            .map((z) => `\`${z}\``)
            .join(', ')}`
        : ''
    : '';
  const headline = `Trigger \`${tl.trigger}\` (severity \`${tl.severity}\`) on ${list(t.on.map((x) => `\`${x}\``))}`;
  const moments: Moment[] = [];
  moments.push({
    at: { best: 0, worst: 0 },
    kind: 'breach',
    text: act
      ? `A violator begins: ${act.activity}${place} (prohibition \`${act.prohibition}\`).`
      : 'A violator begins.',
  });
  if (tl.threshold.depthTime !== undefined && t.depth !== undefined && isAdvance(m, t)) {
    const r = m.assumptions['advance-rate'];
    moments.push({
      at: { best: tl.threshold.depthTime, worst: tl.threshold.depthTime },
      kind: 'threshold',
      text: r
        ? `The advance reaches the ${km(t.depth)} depth the trigger requires (at the assumed ${rate(r)}).`
        : `The advance reaches the ${km(t.depth)} depth the trigger requires (no advance rate is assumed, so this is counted as at once).`,
    });
  }
  if (tl.threshold.window !== undefined) {
    moments.push({
      at: { best: tl.threshold.best, worst: tl.threshold.worst },
      kind: 'threshold',
      text: Number.isFinite(tl.threshold.window)
        ? `The ${ordinal(present(t.count, 'count'))} violation comes inside the window of ${duration(present(t.within, 'within'))} (at worst, spread across all of it).`
        : `The ${ordinal(present(t.count, 'count'))} violation: with no window (\`within\`), the violator can spread them out for ever.`,
    });
  }
  if (tl.detection && act?.confirmed) {
    const ops = act.operators
      .slice(0, Math.max(tl.k, 1))
      .map((o) => `${o.operator} (${o.sources.join(', ')}, within ${duration(o.worst)})`);
    // The moment is this act's own: its best case is when *it* is reported, never another act's faster latency.
    const own: Interval = { best: tl.threshold.best + act.confirmed.best, worst: tl.caseOpens.worst };
    const sooner =
      tl.fastest && tl.fastest !== act && tl.caseOpens.best < own.best
        ? ` A different act, ${tl.fastest.activity} (prohibition \`${tl.fastest.prohibition}\`), is seen sooner: a case on it can open at ${at(tl.caseOpens.best)}.`
        : '';
    moments.push({
      at: own,
      kind: 'detection',
      text:
        (tl.k > 1
          ? `The ${ordinal(tl.k)} independent operator reports it: ${list(ops)}. The trigger is met and a breach case opens.`
          : `It is reported: ${list(ops)}. The trigger is met and a breach case opens.`) + sooner,
    });
  } else {
    moments.push({
      at: { best: Infinity, worst: Infinity },
      kind: 'detection',
      text: `No act the trigger covers can be confirmed by ${tl.k} independent source${tl.k === 1 ? '' : 's'}: the case never opens.`,
    });
  }
  const j = m.judgment;
  if (j) {
    const d = tl.judgment;
    const blocked = d.risks.length ? ` At worst it never comes: ${list(d.risks)}.` : '';
    moments.push({
      at: d.decision,
      kind: 'judgment',
      text:
        j.deadline !== undefined
          ? `${j.body} must decide within ${duration(j.deadline)}; when the deadline passes ${j['on-deadline'] === 'declare' ? 'the finding stands (declared)' : j['on-deadline'] === undefined ? 'nothing is decided' : `the default is ${j['on-deadline']}`}.${blocked}`
          : `${j.body} decides, with no deadline.${blocked}`,
    });
  } else {
    moments.push({
      at: { best: Infinity, worst: Infinity },
      kind: 'judgment',
      text: 'There is no judgment body: nobody declares the breach.',
    });
  }
  for (const r of tl.responses) {
    const start = r.upon === 'trigger' ? 'after the trigger is met' : 'after the declaration';
    // With no time limit, no time is added to it: "no time limit, plus 72 hours" would read as a bound.
    const within = r.within !== undefined ? `${duration(r.within)} ${start}` : `with no time limit ${start}`;
    const decision = r.automatic
      ? 'automatic'
      : r.within !== undefined
        ? `plus ${duration(r.decision)} for a national decision (assumed)`
        : 'and a national decision first';
    moments.push({
      at: r.due,
      kind: 'response',
      material: r.material,
      first: tl.firstMaterial?.index === r.index,
      text: `${list(r.by)}: ${r.action} due (${within}, ${decision})${r.material ? '' : '; not a material response'}.`,
    });
  }
  moments.sort((a, b) => a.at.worst - b.at.worst || a.at.best - b.at.best);
  return { trigger: tl.trigger, severity: tl.severity, headline, moments, summary: summaryOf(m, tl) };
}

function summaryOf(m: Package, tl: TriggerTimeline): string {
  const f = tl.firstMaterial;
  if (!f || !Number.isFinite(f.at.best))
    return 'No material response ever comes: the violator pays nothing at this level.';
  const bounded = Number.isFinite(f.at.worst);
  let s = `The first material response, ${f.action} by ${list(f.by)}, is due ${bounded ? `at ${at(f.at.worst)}` : 'with no upper bound'} at worst (${at(f.at.best)} at best).`;
  const r = m.assumptions['advance-rate'];
  const t = itemAt(m.triggers, tl.trigger);
  if (tl.depth && r !== undefined && isAdvance(m, t)) {
    // Ground is narrated only for the advance, and an area only beside a depth that rounds to something.
    const adv = present(
      t.on.find((p) => m.prohibitions[p]?.activities.includes('ground-advance')),
      `trigger ${tl.trigger}'s ground-advance prohibition`,
    );
    const who =
      itemAt(m.prohibitions, adv).activities.length > 1 || t.on.length > 1
        ? `a violator advancing on the ground (prohibition \`${adv}\`)`
        : 'a violator';
    const along = tl.along ? ` along the ${km(tl.along.length)} of \`${tl.along.line}\`` : '';
    const area = (depth: number, a: number) =>
      tl.along && Math.round(depth / 100) > 0 ? `, up to ${km2(a)}${along}` : '';
    if (bounded) {
      s += ` By then, at the assumed ${rate(r)}, ${who} can have advanced ${km(tl.depth.worst)} (${km(tl.depth.best)} at best)`;
      s += tl.along ? `${area(tl.depth.worst, tl.along.area.worst).replace(/^, /, ': ')}.` : '.';
    } else {
      s += ` Until then, at the assumed ${rate(r)}, the advance of ${who} has no limit at worst; at best it is ${km(tl.depth.best)}${tl.along ? area(tl.depth.best, tl.along.area.best) : ''}.`;
    }
  }
  return s;
}

export interface MonthTwelve {
  /** The month the view centres on (the 12th of the horizon, or the last if shorter). */
  month: string;
  lines: string[];
}

export function monthTwelve(s: Sustainment): MonthTwelve {
  const i = Math.min(11, s.months.length - 1);
  const lines: string[] = [];
  for (const r of s.requirements) {
    const p = itemAt(r.series, i);
    // A level (a standing force) is held, not spent: never annualised.
    const fmt = (x: number) =>
      r.level
        ? `${r.unit === 'units' ? Math.round(x).toLocaleString('en-GB') : money(x, r.unit)} held`
        : r.unit === 'units'
          ? `${Math.round(x * 12).toLocaleString('en-GB')} a year`
          : `${money(x * 12, r.unit)} a year`;
    lines.push(
      `\`${r.id}\`: ${fmt(p.firm + p.atRisk)} committed against ${fmt(p.required)} required (${percent(p.coverage)} covered${p.stock > 0 ? ', drawing on stock' : ''}${p.atRisk > 0 ? `; ${fmt(p.atRisk)} at risk after an election` : ''}). Over the horizon: ${percent(r.meanCoverage)} on average${r.shares[0] ? `; ${r.shares[0].by} carries ${percent(r.shares[0].share)}` : ''}.`,
    );
  }
  for (const c of s.cliffs)
    lines.push(
      `Cliff in ${c.month}: commitment ${c.n} (${c.by}, \`${c.requirement}\`) ends; coverage falls from ${percent(c.before)} to ${percent(c.after)}.`,
    );
  for (const e of s.electionRisks)
    lines.push(
      `Election ${e.date}: ${e.by}'s ${e.form} commitment ${e.n} (\`${e.requirement}\`) is at risk from then on.`,
    );
  for (const g of s.leadGaps)
    lines.push(
      `Lead time: commitment ${g.n} (${g.by}, \`${g.requirement}\`) takes ${duration(g.lead)} to deliver; stocks cover ${g.stock > 0 ? duration(g.stock) : 'nothing'}.`,
    );
  if (s.requirements.length === 0)
    lines.push(
      'The package states no requirements and no commitments: nothing says who pays or supplies what, or for how long.',
    );
  return { month: s.months[i] ?? '', lines };
}

/** Month by month: each requirement's coverage, with the part at risk after an election in brackets. */
export function coverageRows(s: Sustainment): { month: string; cells: string[] }[] {
  return s.months.map((month, i) => ({
    month,
    cells: s.requirements.map((r) => {
      const p = itemAt(r.series, i);
      const risk =
        p.required > 0 && p.atRisk > 0 ? ` (${percent(Math.min(p.atRisk, p.required) / p.required)} at risk)` : '';
      return `${percent(p.coverage)}${risk}`;
    }),
  }));
}

/** Plain text for the terminal: the day-one timelines, then the month-twelve view, then the scorecard. */
/** The best single fix, as `explain` reports it (from `bestSingleFix`). */
export interface FixNote {
  description: string;
  before: number;
  after: number;
}

export function renderText(m: Package, a: ModelAnalysis | Analysis, fix?: FixNote): string {
  const out: string[] = [`${m.title} (${m.package})`, ''];
  out.push('Day one of a breach', '===================', '');
  if (a.timeline.length === 0) out.push('The package has no triggers: no breach case can open.', '');
  for (const tl of a.timeline) {
    const s = triggerStory(m, tl);
    out.push(s.headline.replace(/`/g, ''));
    for (const mo of s.moments) {
      const best = mo.at.best !== mo.at.worst ? ` (best case ${at(mo.at.best)})` : '';
      out.push(`  ${atWorst(mo.at).padEnd(10)} ${mo.first ? '>> ' : ''}${mo.text.replace(/`/g, '')}${best}`);
    }
    out.push(`  ${s.summary.replace(/`/g, '')}`, '');
  }
  const mt = monthTwelve(a.sustainment);
  const title = `Month twelve (${mt.month})`;
  out.push(title, '='.repeat(title.length), '');
  for (const l of mt.lines) out.push(`  ${l.replace(/`/g, '')}`);
  if (a.sustainment.requirements.length) {
    const rows = coverageRows(a.sustainment);
    const heads = a.sustainment.requirements.map((r) => r.id);
    const widths = heads.map((h, k) => Math.max(h.length, ...rows.map((r) => itemAt(r.cells, k).length)));
    out.push(
      '',
      "  Coverage month by month (share of the month's requirement; the part at risk after an election in brackets)",
      '',
    );
    out.push(`  ${'month'.padEnd(8)} ${heads.map((h, k) => h.padStart(itemAt(widths, k))).join('  ')}`);
    for (const r of rows)
      out.push(`  ${r.month.padEnd(8)} ${r.cells.map((c, k) => c.padStart(itemAt(widths, k))).join('  ')}`);
  }
  out.push('', 'Scorecard', '=========', '');
  out.push(`  overall ${a.scorecard.overall}/100 (held down by ${a.scorecard.weakest})`);
  for (const [d, v] of Object.entries(a.scorecard.dimensions)) {
    out.push(`  ${d.padEnd(13)} ${String(v.score).padStart(3)}`);
    for (const x of v.deductions)
      out.push(`      -${String(x.points).padEnd(5)} ${x.code} ${x.message.replace(/`/g, '')}`);
  }
  out.push(
    '',
    fix
      ? `  The one change that raises the overall score most: ${fix.description.replace(/`/g, '')} (${fix.before} -> ${fix.after}).`
      : '  No single suggested change raises the overall score.',
  );
  if (m.assumptions['advance-rate'] !== undefined || m.assumptions['national-decision'] !== undefined) {
    out.push('', 'Assumptions (not the text of the package)');
    if (m.assumptions['advance-rate'] !== undefined) out.push(`  advance rate: ${rate(m.assumptions['advance-rate'])}`);
    if (m.assumptions['national-decision'] !== undefined)
      out.push(`  national decision: ${duration(m.assumptions['national-decision'])}`);
  }
  return out.join('\n') + '\n';
}

const mdEscape = (s: string) => s.replace(/\|/g, '\\|');

export function renderMarkdown(m: Package, a: ModelAnalysis | Analysis, fix?: FixNote): string {
  const out: string[] = [
    `# ${m.title}`,
    '',
    `Package \`${m.package}\`. Overall credibility **${a.scorecard.overall}/100**, held down by ${a.scorecard.weakest}.`,
    '',
  ];
  out.push('## Day one of a breach', '');
  if (a.timeline.length === 0) out.push('The package has no triggers: no breach case can open.', '');
  for (const tl of a.timeline) {
    const s = triggerStory(m, tl);
    out.push(`### ${s.headline}`, '', '| worst case | best case | what happens |', '|---|---|---|');
    for (const mo of s.moments)
      out.push(
        `| ${atWorst(mo.at)} | ${at(mo.at.best)} | ${mo.first ? '**' : ''}${mdEscape(mo.text)}${mo.first ? '**' : ''} |`,
      );
    out.push('', s.summary, '');
  }
  const mt = monthTwelve(a.sustainment);
  out.push(`## Month twelve (${mt.month})`, '');
  for (const l of mt.lines) out.push(`- ${l}`);
  if (a.sustainment.requirements.length) {
    out.push(
      '',
      '| month | ' + a.sustainment.requirements.map((r) => `\`${r.id}\``).join(' | ') + ' |',
      '|---|' + a.sustainment.requirements.map(() => '---:').join('|') + '|',
    );
    for (const r of coverageRows(a.sustainment)) out.push(`| ${r.month} | ${r.cells.join(' | ')} |`);
  }
  out.push('', '## Scorecard', '', '| dimension | score | deductions |', '|---|---|---|');
  for (const [d, v] of Object.entries(a.scorecard.dimensions)) {
    out.push(
      `| ${d} | ${v.score} | ${v.deductions.map((x) => `−${x.points} ${x.code}: ${mdEscape(x.message)}`).join('<br>') || 'none'} |`,
    );
  }
  out.push(
    '',
    `**Overall: ${a.scorecard.overall}/100** (the mean of the weakest dimension and the average; see docs/scoring.md).`,
    '',
  );
  out.push(
    fix
      ? `The one change that raises the overall score most: ${fix.description} (${fix.before} → ${fix.after}).`
      : 'No single suggested change raises the overall score.',
    '',
  );
  return out.join('\n');
}
