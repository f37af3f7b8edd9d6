/**
 * Breach cases as CAP 1.2 messages (OASIS Common Alerting Protocol 1.2, docs/operations/public.md "CAP"). One chain
 * per case: `Alert` when it opens, `Update` as its public phase changes (declared, response under way), `Cancel`
 * when it ends (dismissed, resolved, lapsed); each message's `references` lists every earlier message of its chain
 * (CAP 1.2 §3.2.1: "sender,identifier,sent" triples separated by spaces).
 */
import type { CasePhase } from './area-status.js';

export type CapMsgType = 'Alert' | 'Update' | 'Cancel';

export interface CapRef {
  identifier: string;
  sender: string;
  /** epoch ms */
  sent: number;
}

export interface CapArea {
  areaDesc: string;
  polygons: string[];
  /** valueName/value pairs, e.g. ISO 3166-2 region codes. */
  geocodes: { valueName: string; value: string }[];
}

export interface CapMessage {
  identifier: string;
  sender: string;
  sent: number;
  msgType: CapMsgType;
  references: CapRef[];
  /** The case it follows, and its public phase when sent. */
  caseId: string;
  phase: CasePhase;
  info: {
    event: string;
    responseType: 'Monitor' | 'AllClear';
    urgency: 'Immediate' | 'Expected' | 'Past';
    severity: 'Extreme' | 'Severe' | 'Moderate' | 'Minor' | 'Unknown';
    certainty: 'Observed' | 'Likely' | 'Possible' | 'Unlikely';
    senderName: string;
    headline: string;
    description: string;
    instruction?: string;
    web?: string;
    parameters: { valueName: string; value: string }[];
    areas: CapArea[];
  };
}

/** A case's severity among the package's (least to most serious): the most serious is Extreme, then Severe, Moderate, Minor. */
export function capSeverity(severity: string, severities: readonly string[]): CapMessage['info']['severity'] {
  const i = severities.indexOf(severity);
  if (i < 0) return 'Unknown';
  const fromTop = severities.length - 1 - i;
  return (['Extreme', 'Severe', 'Moderate'] as const)[fromTop] ?? 'Minor';
}

/** Urgency and certainty by phase: a case under judgment is likely and expected; a declared breach observed and immediate; an ended case past. */
export function capPhaseFields(phase: CasePhase): Pick<CapMessage['info'], 'urgency' | 'certainty' | 'responseType'> {
  switch (phase) {
    case 'open':
      return { urgency: 'Expected', certainty: 'Likely', responseType: 'Monitor' };
    case 'declared':
    case 'response':
      return { urgency: 'Immediate', certainty: 'Observed', responseType: 'Monitor' };
    case 'dismissed':
      return { urgency: 'Past', certainty: 'Unlikely', responseType: 'AllClear' };
    case 'resolved':
    case 'lapsed':
      return { urgency: 'Past', certainty: 'Observed', responseType: 'AllClear' };
  }
}

/** Which message a new phase needs after the chain so far: none if the phase is unchanged or the chain already ended. */
export function capMsgTypeFor(
  phase: CasePhase,
  chain: readonly Pick<CapMessage, 'msgType' | 'phase'>[],
): CapMsgType | undefined {
  const last = chain.at(-1);
  if (last?.msgType === 'Cancel') return undefined;
  const ended = phase === 'dismissed' || phase === 'resolved' || phase === 'lapsed';
  if (!last) return ended ? undefined : 'Alert'; // a case that ended before anyone saw it open needs no alert
  if (last.phase === phase) return undefined;
  return ended ? 'Cancel' : 'Update';
}

/** CAP's dateTime: `YYYY-MM-DDThh:mm:ss+00:00` (the schema refuses `Z` and fractions of a second). */
export function capTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

/** `identifier` and `sender` must not hold spaces, commas, `<` or `&` (CAP 1.2 §3.2.1). */
export function capToken(s: string): string {
  return s.replace(/[\s,<&]+/g, '-');
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const el = (name: string, value: string) => `<${name}>${esc(value)}</${name}>`;

/** The message as CAP 1.2 XML; element order is the schema's (every content model is a sequence). */
export function capXml(m: CapMessage): string {
  const i = m.info;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">',
    `  ${el('identifier', m.identifier)}`,
    `  ${el('sender', m.sender)}`,
    `  ${el('sent', capTime(m.sent))}`,
    '  <status>Actual</status>',
    `  ${el('msgType', m.msgType)}`,
    '  <scope>Public</scope>',
  ];
  if (m.references.length)
    lines.push(
      `  ${el('references', m.references.map((r) => `${r.sender},${r.identifier},${capTime(r.sent)}`).join(' '))}`,
    );
  lines.push(`  ${el('incidents', m.caseId)}`);
  lines.push(
    '  <info>',
    '    <language>en</language>',
    '    <category>Security</category>',
    `    ${el('event', i.event)}`,
    `    ${el('responseType', i.responseType)}`,
  );
  lines.push(
    `    ${el('urgency', i.urgency)}`,
    `    ${el('severity', i.severity)}`,
    `    ${el('certainty', i.certainty)}`,
  );
  lines.push(
    `    ${el('senderName', i.senderName)}`,
    `    ${el('headline', i.headline)}`,
    `    ${el('description', i.description)}`,
  );
  if (i.instruction) lines.push(`    ${el('instruction', i.instruction)}`);
  if (i.web) lines.push(`    ${el('web', i.web)}`);
  for (const p of i.parameters)
    lines.push(`    <parameter>${el('valueName', p.valueName)}${el('value', p.value)}</parameter>`);
  for (const a of i.areas) {
    lines.push('    <area>', `      ${el('areaDesc', a.areaDesc)}`);
    for (const p of a.polygons) lines.push(`      ${el('polygon', p)}`);
    for (const g of a.geocodes)
      lines.push(`      <geocode>${el('valueName', g.valueName)}${el('value', g.value)}</geocode>`);
    lines.push('    </area>');
  }
  lines.push('  </info>', '</alert>', '');
  return lines.join('\n');
}

const phaseWords: Record<CasePhase, string> = {
  open: 'a breach case is open and under judgment',
  declared: 'the guarantors declared a breach',
  response: 'the guarantors declared a breach; responses are under way',
  resolved: 'the breach case is resolved: every response was delivered',
  dismissed: 'the breach case was dismissed',
  lapsed: 'the breach case closed without a decision',
};

export interface CapContext {
  sender: string;
  senderName: string;
  packageTitle: string;
  severities: readonly string[];
  web?: string;
}

export interface CapCase {
  caseId: string;
  severity: string;
  phase: CasePhase;
  areas: CapArea[];
}

/** The next message of a case's chain, or undefined when the phase needs none. */
export function nextCapMessage(
  ctx: CapContext,
  c: CapCase,
  chain: readonly CapMessage[],
  now: number,
): CapMessage | undefined {
  const msgType = capMsgTypeFor(c.phase, chain);
  if (!msgType) return undefined;
  // Strictly after the last message: receivers order a chain by `sent`, which has one-second resolution.
  const sent = Math.max(now, (chain.at(-1)?.sent ?? -Infinity) + 1000);
  const identifier = capToken(`${c.caseId}.${chain.length + 1}`);
  const where = c.areas.map((a) => a.areaDesc).join(', ') || 'the area of the agreement';
  const event =
    c.phase === 'open'
      ? 'Ceasefire breach case'
      : c.phase === 'declared' || c.phase === 'response'
        ? 'Ceasefire breach declared'
        : 'Ceasefire breach case closed';
  return {
    identifier,
    sender: ctx.sender,
    sent,
    msgType,
    references: chain.map((m) => ({ identifier: m.identifier, sender: m.sender, sent: m.sent })),
    caseId: c.caseId,
    phase: c.phase,
    info: {
      event,
      ...capPhaseFields(c.phase),
      severity: capSeverity(c.severity, ctx.severities),
      senderName: ctx.senderName,
      headline: `${event}: ${where}`.slice(0, 160),
      description: `Under ${ctx.packageTitle}: ${phaseWords[c.phase]} (case ${c.caseId}, severity ${c.severity}). Violations behind it were located in: ${where}.`,
      ...(c.phase === 'open' || c.phase === 'declared' || c.phase === 'response'
        ? {
            instruction:
              'Follow the instructions of local authorities. This message reports the state of a ceasefire guarantee; it is not an air-raid warning.',
          }
        : {}),
      ...(ctx.web ? { web: ctx.web } : {}),
      parameters: [
        { valueName: 'guarantor:case', value: c.caseId },
        { valueName: 'guarantor:phase', value: c.phase },
        { valueName: 'guarantor:severity', value: c.severity },
      ],
      areas: c.areas,
    },
  };
}
