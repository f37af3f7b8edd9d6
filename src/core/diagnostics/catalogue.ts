import type { DiagnosticDefinition } from './definition.js';
import { phases } from './definition.js';
import { loadCodes } from './codes/load.js';
import { geometryCodes } from './codes/geometry.js';
import { analysisCodes } from './codes/analysis.js';
import { scenarioCodes } from './codes/scenario.js';
import { crossingCodes } from './codes/crossings.js';
import { logCodes } from './codes/log.js';
import { renderArg, type Args } from './args.js';

/** Every diagnostic code Guarantor can emit. Codes are stable and never reused. */
export const catalogue = [
  ...loadCodes,
  ...geometryCodes,
  ...analysisCodes,
  ...scenarioCodes,
  ...crossingCodes,
  ...logCodes,
] as const;

/** The name of a catalogue entry, e.g. `uncovered-prohibition`: what a finding or diagnostic is typed by. */
export type CodeName = (typeof catalogue)[number]['name'];

const byCode = new Map<string, DiagnosticDefinition>();
const byName = new Map<string, DiagnosticDefinition>();
for (const d of catalogue) {
  const n = Number(d.code.slice(1));
  const [lo, hi] = phases[d.phase].range;
  if (n < lo || n > hi) throw new Error(`catalogue: ${d.code} lies outside the ${d.phase} range ${lo}-${hi}`);
  if (byCode.has(d.code)) throw new Error(`catalogue: ${d.code} is defined twice`);
  if (byName.has(d.name)) throw new Error(`catalogue: the name ${d.name} is used twice`);
  byCode.set(d.code, d);
  byName.set(d.name, d);
}

export function definition(codeOrName: string): DiagnosticDefinition {
  const d = byCode.get(codeOrName) ?? byName.get(codeOrName);
  if (!d) throw new Error(`no diagnostic ${codeOrName} in the catalogue`);
  return d;
}

export function fillTemplate(template: string, args: Args): string {
  return template.replace(/\{([a-zA-Z]+)\}/g, (m, k: string) => {
    const a = args[k];
    return a === undefined ? m : renderArg(a);
  });
}
