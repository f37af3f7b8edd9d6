/**
 * `check` as one pure function: load and validate a package, then (when it is valid) analyse it.
 * The CLI, the server and the golden fixtures all call this, so they always agree.
 */
import { compareDiagnostics, type Diagnostic } from './diagnostics/diagnostic.js';
import { loadPackage, type LoadedPackage, type LoadOptions } from './spec/load.js';

export interface CheckResult {
  loaded: LoadedPackage;
  diagnostics: Diagnostic[];
}

export function checkPackage(text: string, options: LoadOptions): CheckResult {
  const loaded = loadPackage(text, options);
  const diagnostics = [...loaded.diagnostics].sort(compareDiagnostics);
  return { loaded, diagnostics };
}
