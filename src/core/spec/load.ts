/**
 * Loading a package: YAML with exact locations, the schema, then the checks the schema cannot express
 * (references between clauses, geometry files). Every problem is collected; nothing throws for bad input.
 */
import type { z } from 'zod';
import { compareDiagnostics, type Diagnostic, hasErrors } from '../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../diagnostics/make.js';
import { checkCrossings } from './crossings.js';
import { checkLogWitnesses } from './log-witnesses.js';
import { checkReferences } from './references.js';
import { idRegex, packageSchema, type Package } from './schema.js';
import { fieldsAt } from './shape.js';
import { SourceFile, type Path } from './source.js';
import { didYouMean } from './suggest.js';
import { checkGeometryFiles, type GeometryReader, type LoadedGeometry } from './geometry-files.js';
import { itemAt } from '../item-at.js';

export type { GeometryReader } from './geometry-files.js';

export interface LoadOptions {
  /** The name diagnostics carry (as the user gave it). */
  file: string;
  /** Reads a geometry file named in the package, relative to the package; without one, files are not checked. */
  readGeometry?: GeometryReader;
}

export interface LoadedPackage {
  file: string;
  source: SourceFile;
  /** The validated model; present only when there are no errors. */
  model?: Package;
  /** Parsed GeoJSON by the path the package names it with. */
  geometries: Map<string, LoadedGeometry>;
  diagnostics: Diagnostic[];
}

export function loadPackage(text: string, options: LoadOptions): LoadedPackage {
  const source = new SourceFile(options.file, text);
  const out: LoadedPackage = { file: options.file, source, geometries: new Map(), diagnostics: [] };
  const report = (d: Diagnostic) => out.diagnostics.push(d);

  let fatal = false;
  for (const e of source.doc.errors) {
    const span = source.spanOfRange(e.pos[0], e.pos[1]);
    if (e.code === 'DUPLICATE_KEY') {
      report(makeDiagnostic('duplicate-key', options.file, span, { key: source.keyAt(e.pos[0]) }));
    } else {
      fatal = true;
      report(makeDiagnostic('yaml-syntax', options.file, span, { detail: firstLine(e.message) }));
    }
  }
  if (fatal) return finish(out);

  let raw: unknown;
  try {
    raw = source.doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    report(
      makeDiagnostic('yaml-syntax', options.file, source.spanOfRange(0, 0), {
        detail: firstLine(String((e as Error).message ?? e)),
      }),
    );
    return finish(out);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    const actual =
      raw === null || raw === undefined ? 'empty' : Array.isArray(raw) ? 'a list' : `a single ${typeof raw}`;
    report(makeDiagnostic('not-a-package', options.file, source.span([]), { actual }));
    return finish(out);
  }

  const parsed = packageSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) for (const d of issueToDiagnostics(issue, raw, source)) report(d);
  }
  for (const d of checkReferences(raw as Record<string, unknown>, source)) report(d);
  for (const d of checkCrossings(raw as Record<string, unknown>, source)) report(d);
  for (const d of checkLogWitnesses(raw as Record<string, unknown>, source)) report(d);
  if (options.readGeometry) {
    for (const d of checkGeometryFiles(raw as Record<string, unknown>, source, options.readGeometry, out.geometries))
      report(d);
  }
  finish(out);
  if (parsed.success && !hasErrors(out.diagnostics)) out.model = parsed.data;
  return out;
}

function finish(out: LoadedPackage): LoadedPackage {
  const seen = new Set<string>();
  out.diagnostics = out.diagnostics
    .filter((d) => {
      const k = `${d.code}|${d.span.start.line}:${d.span.start.column}|${d.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort(compareDiagnostics);
  return out;
}

function firstLine(s: string): string {
  return itemAt(s.split('\n'), 0).replace(/ at line \d+, column \d+:?$/, '');
}

type Issue = z.core.$ZodIssue;

function describe(x: unknown): string {
  if (x === undefined) return 'missing';
  if (x === null) return 'empty';
  if (Array.isArray(x)) return 'a list';
  if (typeof x === 'object') return 'a mapping';
  if (typeof x === 'string') return `the text "${x.length > 40 ? x.slice(0, 40) + '…' : x}"`;
  return `${typeof x === 'number' ? 'the number' : 'the value'} ${String(x)}`;
}

function expectedPhrase(e: string): string {
  switch (e) {
    case 'string':
      return 'text';
    case 'number':
      return 'a number';
    case 'int':
      return 'a whole number';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'object':
    case 'record':
      return 'a mapping';
    default:
      return e;
  }
}

function fieldName(path: Path): string {
  const parts: string[] = [];
  for (const p of path) parts.push(typeof p === 'number' ? `[${p}]` : parts.length ? `.${p}` : p);
  return parts.join('') || 'the package';
}

/** What a value at this path is, for messages: `detects` keys are activities, `weapons` items weapon classes. */
function vocabularyName(path: Path): string {
  const names: Record<string, string> = {
    activities: 'activity',
    detects: 'activity',
    weapons: 'weapon class',
    do: 'response action',
    form: 'legal form',
  };
  const field = String(
    path.filter((p) => typeof p === 'string').at(-2 + (typeof path.at(-1) === 'number' ? 1 : 0)) ?? '',
  );
  const last = String(path.filter((p) => typeof p === 'string').at(-1) ?? 'value');
  return names[last] ?? names[field] ?? last;
}

function issueToDiagnostics(issue: Issue, raw: unknown, source: SourceFile, keyIssue = false): Diagnostic[] {
  const file = source.file;
  const path = issue.path as (string | number)[];
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = fieldsAt(packageSchema, path, raw) ?? [];
      return issue.keys.map((k) =>
        makeDiagnostic('unknown-field', file, source.span([...path, k], 'key'), {
          field: k,
          suggestion: didYouMean(k, allowed),
        }),
      );
    }
    case 'invalid_type': {
      if (input === undefined) {
        const last = path.at(-1);
        const parent = path.slice(0, -1);
        return [
          makeDiagnostic('missing-field', file, parent.length ? source.span(parent, 'key') : source.spanOfRange(0, 0), {
            field: String(last ?? ''),
          }),
        ];
      }
      return [
        makeDiagnostic('wrong-type', file, source.span(path), {
          field: fieldName(path),
          expected: expectedPhrase(issue.expected),
          actual: describe(input),
        }),
      ];
    }
    case 'invalid_value': {
      if (input === undefined) {
        return [
          makeDiagnostic('missing-field', file, source.span(path.slice(0, -1), 'key'), {
            field: String(path.at(-1) ?? ''),
          }),
        ];
      }
      const options = issue.values.map(String);
      const value = String(input);
      return [
        makeDiagnostic('unknown-value', file, source.span(path, keyIssue ? 'key' : 'value'), {
          value,
          what: vocabularyName(path),
          suggestion: didYouMean(value, options),
          options: options.join(', '),
        }),
      ];
    }
    case 'invalid_union': {
      const disc = issue as unknown as { discriminator?: string; options?: unknown[] };
      if (disc.discriminator) {
        const kPath = path.at(-1) === disc.discriminator ? path : [...path, disc.discriminator];
        const data = kPath
          .slice(0, -1)
          .reduce<unknown>(
            (d, p) => (d && typeof d === 'object' ? (d as Record<string | number, unknown>)[p] : undefined),
            raw,
          );
        const value =
          data && typeof data === 'object' ? (data as Record<string, unknown>)[disc.discriminator] : undefined;
        if (value === undefined)
          return [
            makeDiagnostic('missing-field', file, source.span(kPath.slice(0, -1), 'key'), {
              field: disc.discriminator,
            }),
          ];
        const options = (disc.options ?? []).map(String);
        return [
          makeDiagnostic('unknown-value', file, source.span(kPath), {
            value: String(value),
            what: disc.discriminator,
            suggestion: didYouMean(String(value), options),
            options: options.join(', '),
          }),
        ];
      }
      // A union of one id or a list of ids, or of a keyword or an id.
      const nested = issue.errors.flat();
      const inner = nested.find((e) => e.code !== 'invalid_type');
      if (inner && inner.path.length === 0) return issueToDiagnostics({ ...inner, path } as Issue, raw, source);
      if (inner) return issueToDiagnostics({ ...inner, path: [...path, ...inner.path] } as Issue, raw, source);
      return [
        makeDiagnostic('wrong-type', file, source.span(path), {
          field: fieldName(path),
          expected: 'an id or a list of ids',
          actual: describe(input),
        }),
      ];
    }
    case 'custom': {
      if ((issue.params as { diagnostic?: string } | undefined)?.diagnostic === 'unit') {
        return [makeDiagnostic('bad-unit', file, source.span(path), { reason: issue.message })];
      }
      return [
        makeDiagnostic('bad-structure', file, source.span(path), { field: fieldName(path), reason: issue.message }),
      ];
    }
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const isList = issue.origin === 'array';
      const word = issue.code === 'too_small' ? 'at least' : 'at most';
      const strict = !issue.inclusive;
      const reason = isList
        ? `must hold ${word} ${String(bound)} item${Number(bound) === 1 ? '' : 's'}`
        : `must be ${strict ? (issue.code === 'too_small' ? 'more than' : 'less than') : word} ${String(bound)}, not ${String(input)}`;
      return [makeDiagnostic('out-of-range', file, source.span(path), { field: fieldName(path), reason })];
    }
    case 'invalid_format':
      if (issue.format === 'regex' && (issue as { pattern?: string }).pattern === String(idRegex)) {
        return [
          makeDiagnostic('bad-id', file, source.span(path, keyIssue ? 'key' : 'value'), { value: String(input) }),
        ];
      }
      return [
        makeDiagnostic('bad-structure', file, source.span(path, keyIssue ? 'key' : 'value'), {
          field: fieldName(path),
          reason: issue.message,
        }),
      ];
    case 'invalid_key': {
      const inner = issue.issues.find((i) => i.code === 'invalid_value' || i.code === 'invalid_format');
      if (inner) return issueToDiagnostics({ ...inner, path, input } as Issue, raw, source, true);
      return [makeDiagnostic('bad-id', file, source.span(path, 'key'), { value: String(input ?? path.at(-1)) })];
    }
    default:
      return [
        makeDiagnostic('bad-structure', file, source.span(path), { field: fieldName(path), reason: issue.message }),
      ];
  }
}
