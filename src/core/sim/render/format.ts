/** Number formats shared by the simulation report renderers. */
import type { Share, SimulationReport, StrategyResult } from '../experiment.js';

export const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
export const shareText = (s: Share) => `${pct(s.share)} [${pct(s.ci95.low)}-${pct(s.ci95.high)}]`;
export const num = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '-');
export const signed = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} pts`;

/** Marker of a default: its number in the report's list, in brackets. */
export const defaultMarker = (r: SimulationReport, id: string) => `[${r.defaults.findIndex((d) => d.id === id) + 1}]`;

/** A strategy's label with the markers of the defaults its figures rest on, so they sit next to every figure. */
export const labelOf = (r: SimulationReport, s: StrategyResult) =>
  s.defaults.length ? `${s.label} ${s.defaults.map((id) => defaultMarker(r, id)).join('')}` : s.label;

/** The list of defaults, one line each, numbered as the markers are. */
export function defaultLines(r: SimulationReport): string[] {
  return r.defaults.map(
    (d, i) =>
      `[${i + 1}] Not stated: ${d.unstated}; assumed: ${d.assumed}${d.clauses.length ? ` (${d.clauses.join(', ')})` : ''}${d.input ? `; tornado input \`${d.input}\`` : ''}.`,
  );
}

/** One sentence: the links of the detection chain behind the credibility of the response to an armed advance. */
export function credibilityLine(r: SimulationReport): string {
  const c = r.credibility;
  const n = (x: number) => x.toFixed(2);
  const presence = r.presence.length
    ? ` Third-party personnel on the ground (${r.presence.join(', ')}): every offensive is less likely by ${n(r.params.peacekeeping)} (\`peacekeeping\`), whatever the credibility.`
    : '';
  if (!c.trigger)
    return (
      'Credibility of the response to an armed advance on day 0: 0 (no trigger covering it is both evidenced in time and answered by a material response: nothing deters).' +
      presence
    );
  return (
    `Credibility of the response to an armed advance on day 0: ${n(c.credibility)} = seen in time ${n(c.seen)} x ` +
    `(1 - (1 - declared in time ${n(c.declared)} x answered on declaration ${n(c.answeredOnDeclaration)}) x (1 - answered upon the trigger ${n(c.answeredUponTrigger)})), trigger \`${c.trigger}\`.` +
    presence
  );
}
