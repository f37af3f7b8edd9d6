/**
 * Unstated is not stated: the defaults a simulation run puts in place of what the package does not say (a response
 * with no `within`, no national-decision or advance-rate assumption, no source of the protected side's own, an
 * adversary the package does not single out, a deadline with no default). Each is listed in the report with the
 * clauses it stands in for and the tornado input that moves it, and marked next to every figure it affects.
 */
import { formatDuration } from '../spec/units.js';
import { DAY } from '../spec/units.js';
import type { Package } from '../spec/schema.js';
import { adversaryOf, protectedAgainst } from '../spec/sides.js';
import { victimReporter } from './compile.js';
import type { ModelParams } from './params.js';

export interface UnstatedDefault {
  /** Short id, also the marker key in reports. */
  id: string;
  /** What the package does not say. */
  unstated: string;
  /** What the run assumes instead. */
  assumed: string;
  /** The clauses concerned (paths in the package), or empty when it concerns the package as a whole. */
  clauses: string[];
  /** The tornado input that moves this default, when there is one. */
  input?: string;
}

const asList = (x: string | string[] | undefined): string[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

export function unstatedDefaults(
  pkg: Package,
  params: ModelParams,
  adversary: string,
  adversaryNamed: boolean,
): UnstatedDefault[] {
  const out: UnstatedDefault[] = [];
  const answers = protectedAgainst(pkg, adversary).length > 0;
  const responses = Object.entries(pkg.responses).flatMap(([sev, list]) => list.map((r, i) => ({ sev, i, r })));
  const noWithin = answers
    ? responses.filter(({ r }) => r.within === undefined && asList(r.by).some((b) => b !== adversary))
    : [];
  if (noWithin.length) {
    out.push({
      id: 'default-within',
      unstated: 'how long a response may take (`within`)',
      assumed: `${formatDuration(params['default-within'] * DAY)} (\`default-within\`)`,
      clauses: noWithin.map(({ sev, i }) => `responses.${sev}[${i}]`),
      input: 'default-within',
    });
  }
  if (pkg.assumptions['national-decision'] === undefined && answers && responses.some(({ r }) => !r.automatic)) {
    out.push({
      id: 'national-decision',
      unstated: 'how long a national decision to respond takes (`assumptions.national-decision`)',
      assumed: `${formatDuration(params['national-decision'] * DAY)} (\`national-decision\`)`,
      clauses: ['assumptions'],
      input: 'national-decision',
    });
  }
  if (pkg.assumptions['advance-rate'] === undefined) {
    out.push({
      id: 'advance-rate',
      unstated: "the adversary's rate of advance (`assumptions.advance-rate`)",
      assumed: `${Math.round(params['advance-rate'] * 100) / 100} km/d (\`advance-rate\`)`,
      clauses: ['assumptions'],
      input: 'advance-rate',
    });
  }
  const victim = victimReporter(pkg, adversary);
  if (victim !== undefined) {
    out.push({
      id: 'victim-report',
      unstated: `a source operated by \`${victim}\` that detects an armed advance`,
      assumed: `\`${victim}\` reports an advance into its territory with daily probability ${params['victim-report']}, after ${formatDuration(params['victim-latency'] * DAY)} (\`victim-report\`, \`victim-latency\`)`,
      clauses: ['verification'],
      input: 'victim-report',
    });
  }
  if (!adversaryNamed) {
    const c = adversaryOf(pkg);
    if (c.basis === 'first-candidate') {
      out.push({
        id: 'adversary',
        unstated: `which of ${c.candidates.join(', ')} is opposed to the protected side`,
        assumed: `\`${adversary}\` is the adversary (the first in file order; name it in a scenario)`,
        clauses: ['actors'],
      });
    }
  }
  const j = pkg.judgment;
  if (j && j.deadline !== undefined && j['on-deadline'] === undefined) {
    out.push({
      id: 'on-deadline',
      unstated: 'what happens when the judgment deadline passes (`on-deadline`)',
      assumed: 'no decision: the case stays open and no response starts by default',
      clauses: ['judgment'],
      input: 'judgment.on-deadline',
    });
  }
  return out;
}
