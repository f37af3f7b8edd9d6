import type { Args } from './args.js';

/** A position in a source file; lines and columns are 1-based, as editors show them. */
export interface Position {
  line: number;
  column: number;
}

export interface Span {
  start: Position;
  /** Exclusive end. */
  end: Position;
}

export type Severity = 'error' | 'warning' | 'info';

export interface Related {
  message: string;
  file: string;
  span: Span;
}

/**
 * One finding. Checks produce these as data (code + arguments); the message and help text come from the
 * catalogue, so rendering stays in one place.
 */
export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  help: string;
  file: string;
  span: Span;
  args: Args;
  related: Related[];
}

export function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.column - b.column;
}

/** Stable order: by file, then location, then code. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return comparePositions(a.span.start, b.span.start) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}

export function hasErrors(ds: readonly Diagnostic[], strict = false): boolean {
  return ds.some((d) => d.severity === 'error' || (strict && d.severity === 'warning'));
}
