/**
 * `check` as one pure function: load and validate a package, then (when it is valid) analyse it.
 * The CLI, the server and the golden fixtures all call this, so they always agree.
 */
import { analyse, type Analysis } from './analysis/analyse.js';
import { compareDiagnostics, type Diagnostic } from './diagnostics/diagnostic.js';
import { loadPackage, type LoadedPackage, type LoadOptions } from './spec/load.js';

export interface CheckResult {
  loaded: LoadedPackage;
  /** Loading diagnostics and, for a valid package, the analysis findings; sorted by location. */
  diagnostics: Diagnostic[];
  /** Present when the package is valid: findings, day-one timeline, month-twelve view, scorecard. */
  analysis?: Analysis;
}

export function checkPackage(text: string, options: LoadOptions): CheckResult {
  const loaded = loadPackage(text, options);
  const analysis = analyse(loaded);
  const diagnostics = [...loaded.diagnostics, ...(analysis?.diagnostics ?? [])].sort(compareDiagnostics);
  return analysis ? { loaded, diagnostics, analysis } : { loaded, diagnostics };
}
