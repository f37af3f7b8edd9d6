import type { Diagnostic } from '../diagnostic.js';

/** The flat JSON shape of one diagnostic (1-based lines and columns; the end is exclusive). */
export interface DiagnosticJson {
  code: string;
  severity: Diagnostic['severity'];
  message: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  help: string;
  related: { message: string; file: string; line: number; column: number }[];
}

export function diagnosticToJson(d: Diagnostic): DiagnosticJson {
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    file: d.file,
    line: d.span.start.line,
    column: d.span.start.column,
    endLine: d.span.end.line,
    endColumn: d.span.end.column,
    help: d.help,
    related: d.related.map((r) => ({
      message: r.message,
      file: r.file,
      line: r.span.start.line,
      column: r.span.start.column,
    })),
  };
}
