import type { Severity } from './diagnostic.js';

/** The phases, each owning a block of codes. A code is never reused, even after its check is removed. */
export const phases = {
  syntax: { range: [1000, 1099], title: 'YAML syntax' },
  structure: { range: [1100, 1499], title: 'Structure, types and units' },
  reference: { range: [1500, 1699], title: 'References between clauses' },
  geometry: { range: [1700, 1999], title: 'Geometry files and zones' },
  ambiguity: { range: [2000, 2199], title: 'Analysis: ambiguity' },
  verification: { range: [2200, 2399], title: 'Analysis: verification' },
  control: { range: [2400, 2499], title: 'Analysis: control' },
  delay: { range: [2500, 2599], title: 'Analysis: delay' },
  decay: { range: [2600, 2799], title: 'Analysis: decay' },
  scenario: { range: [3000, 3199], title: 'Simulation scenarios' },
} as const;

export type Phase = keyof typeof phases;

/**
 * One catalogue entry. `message` and `help` are templates: `{name}` is replaced by the argument of that name.
 * `message` states the problem; `help` says what a fix looks like.
 */
export interface DiagnosticDefinition<N extends string = string> {
  code: string;
  name: N;
  phase: Phase;
  severity: Severity;
  message: string;
  help: string;
}

export function define<N extends string>(
  phase: Phase,
  n: number,
  name: N,
  severity: Severity,
  message: string,
  help: string,
): DiagnosticDefinition<N> {
  return { code: `G${n}`, name, phase, severity, message, help };
}
