import type { Diagnostic, Related, Severity, Span } from './diagnostic.js';
import { definition, fillTemplate } from './catalogue.js';
import type { Args } from './args.js';

/** Build a diagnostic from its catalogue entry (by code or name). */
export function makeDiagnostic(
  codeOrName: string,
  file: string,
  span: Span,
  args: Args = {},
  related: Related[] = [],
  severity?: Severity,
): Diagnostic {
  const d = definition(codeOrName);
  return {
    code: d.code,
    severity: severity ?? d.severity,
    message: fillTemplate(d.message, args),
    help: fillTemplate(d.help, args),
    file,
    span,
    args,
    related,
  };
}
