/**
 * Scenario files: which strategies to play against a package, with which model parameters. Loaded like a package:
 * YAML with exact locations, a Zod schema, every problem collected as a diagnostic (codes 3000-3199).
 *
 *   adversary: RU
 *   runs: 10000
 *   seed: 42
 *   strategies: [compliant, salami, { strategy: surge, month: 6 }]
 *   model: { collapse-depth: 15km, embolden: 0.08 }
 *   sensitivity: { runs: 500 }
 */
import * as z from 'zod';
import { compareDiagnostics, hasErrors, type Diagnostic } from '../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../diagnostics/make.js';
import { distance, duration, speed, type Package } from '../spec/schema.js';
import { SourceFile, type Path } from '../spec/source.js';
import { didYouMean } from '../spec/suggest.js';
import { DAY, MONTH } from '../spec/units.js';
import { sourceKinds } from '../spec/vocabulary.js';
import { resolveParams, type StrategyChoice } from './experiment.js';
import { adversaryOf, protectedAgainst, sidesOf } from '../spec/sides.js';
import { paramNames, paramSpecs, type ModelParams, type ParamName, type ParamSpec } from './params.js';
import { allItems } from './sensitivity.js';
import { strategies, strategyNames } from './strategies/index.js';
import type { Args } from '../diagnostics/args.js';
import { itemAt } from '../item-at.js';

/** Runs per strategy when neither the scenario nor the command line says. */
export const DEFAULT_RUNS = 10_000;
export const DEFAULT_SEED = 1;

function paramSchema(spec: ParamSpec) {
  const meta = { description: `${spec.description} (default ${spec.default}; basis: ${spec.basis})` };
  switch (spec.kind) {
    case 'probability':
      return z.number().min(0).max(1).meta(meta);
    case 'count':
      return z.int().min(0).meta(meta);
    case 'number':
      return z.number().min(0).meta(meta);
    case 'duration':
      return duration.transform((ms) => ms / DAY).meta(meta);
    case 'distance':
      return distance.transform((m) => m / 1000).meta(meta);
    case 'speed':
      return speed.transform((mPerMs) => (mPerMs * DAY) / 1000).meta(meta);
  }
}

const modelShape: Record<string, z.ZodType> = {};
for (const n of paramNames) modelShape[n] = paramSchema(paramSpecs[n]).optional();
modelShape['blindable'] = z
  .array(z.enum(sourceKinds))
  .optional()
  .meta({ description: 'Source kinds that denial of access and jamming degrade' });

export const scenarioSchema = z.strictObject({
  scenario: z.string().optional().meta({ description: 'A name for the scenario' }),
  description: z.string().optional(),
  adversary: z.string().optional().meta({
    description:
      'The actor that plays the adversary; default: derived from the package (a bound party opposed to the protected side)',
  }),
  runs: z.int().min(1).max(10_000_000).optional(),
  seed: z.int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  strategies: z
    .array(z.unknown())
    .min(1)
    .optional()
    .meta({ description: 'Strategy names, or mappings `{ strategy: NAME, ...options }`' }),
  model: z.strictObject(modelShape).optional(),
  sensitivity: z
    .union([
      z.literal(false),
      z.strictObject({
        runs: z.int().min(0).optional(),
        items: z.array(z.string()).min(1).optional(),
        'per-clause': z
          .boolean()
          .optional()
          .meta({ description: 'Add one tornado input per trigger, response tier and source' }),
      }),
    ])
    .optional(),
});

export interface Scenario {
  name?: string;
  adversary: string;
  /** False when the package, not the scenario, chose the adversary. */
  adversaryNamed: boolean;
  runs: number;
  seed: number;
  strategies: StrategyChoice[];
  params: ModelParams;
  /** Undefined: the command line decides. 0: no sensitivity analysis. */
  sensitivityRuns?: number;
  sensitivityItems?: string[];
  sensitivityPerClause?: boolean;
}

export interface LoadedScenario {
  source?: SourceFile;
  scenario?: Scenario;
  diagnostics: Diagnostic[];
}

export interface ScenarioOptions {
  file: string;
  /** The package file, for diagnostics about the package itself (no adversary). */
  packageFile: string;
  packageSource?: SourceFile;
}

export function loadScenario(text: string | undefined, pkg: Package, options: ScenarioOptions): LoadedScenario {
  const diagnostics: Diagnostic[] = [];
  const file = options.file;
  const source = text === undefined ? undefined : new SourceFile(file, text);
  const out: LoadedScenario = { source, diagnostics };
  const span = (path: Path, prefer: 'key' | 'value' = 'value') =>
    source ? source.span(path, prefer) : { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };
  const report = (code: string, path: Path, args: Args, prefer: 'key' | 'value' = 'value') =>
    diagnostics.push(makeDiagnostic(code, file, span(path, prefer), args));

  let raw: Record<string, unknown> = {};
  if (source) {
    let fatal = false;
    for (const e of source.doc.errors) {
      const s = source.spanOfRange(e.pos[0], e.pos[1]);
      if (e.code === 'DUPLICATE_KEY')
        diagnostics.push(makeDiagnostic('scenario-duplicate-key', file, s, { key: source.keyAt(e.pos[0]) }));
      else {
        fatal = true;
        diagnostics.push(
          makeDiagnostic('scenario-syntax', file, s, {
            detail: itemAt(e.message.split('\n'), 0).replace(/ at line \d+, column \d+:?$/, ''),
          }),
        );
      }
    }
    if (fatal) return finish(out);
    let js: unknown;
    try {
      js = source.doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      diagnostics.push(
        makeDiagnostic('scenario-syntax', file, source.spanOfRange(0, 0), {
          detail: itemAt(String((e as Error).message ?? e).split('\n'), 0),
        }),
      );
      return finish(out);
    }
    if (js === null || typeof js !== 'object' || Array.isArray(js)) {
      const actual = js === null || js === undefined ? 'empty' : Array.isArray(js) ? 'a list' : `a single ${typeof js}`;
      report('not-a-scenario', [], { actual });
      return finish(out);
    }
    raw = js as Record<string, unknown>;
  }

  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) for (const issue of parsed.error.issues) issueToDiagnostic(issue, [], raw, report, allowedAt);
  const data = parsed.success ? parsed.data : undefined;

  // Adversary: named by the scenario, else derived from the package's sides (src/core/spec/sides.ts).
  const actorIds = Object.keys(pkg.actors);
  let adversary = typeof raw['adversary'] === 'string' ? raw['adversary'] : undefined;
  const atPackage = (code: string, args: Args) => {
    // Point at the scenario when there is one (the fix is usually `adversary:` there), else at the package's actors.
    if (source) report(code, [], args);
    else {
      const s = options.packageSource?.span(['actors'], 'key') ?? {
        start: { line: 1, column: 1 },
        end: { line: 1, column: 1 },
      };
      diagnostics.push(makeDiagnostic(code, options.packageFile, s, args));
    }
  };
  if (adversary !== undefined) {
    const actor = pkg.actors[adversary];
    if (!actor) {
      report('unknown-adversary', ['adversary'], {
        value: adversary,
        package: pkg.package,
        suggestion: didYouMean(adversary, actorIds),
      });
      adversary = undefined;
    } else if (!sidesOf(pkg).bound.includes(adversary))
      report('adversary-not-party', ['adversary'], { value: adversary, role: actor.role });
    else if (protectedAgainst(pkg, adversary).length === 0)
      report('adversary-protected', ['adversary'], { value: adversary });
  } else if (!raw['adversary']) {
    const choice = adversaryOf(pkg);
    adversary = choice.adversary;
    if (adversary === undefined) atPackage('no-adversary', { package: pkg.package });
    else if (choice.basis === 'first-candidate') {
      atPackage('adversary-by-default', {
        adversary,
        candidates: choice.candidates.join(', '),
        protected: sidesOf(pkg).protected.join(', ') || 'none',
      });
    }
  }

  // Strategies, each checked against its own options schema.
  const choices: StrategyChoice[] = [];
  const rawStrategies = Array.isArray(raw['strategies'])
    ? (raw['strategies'] as unknown[])
    : source && raw['strategies'] !== undefined
      ? []
      : strategyNames;
  const seen = new Set<string>();
  rawStrategies.forEach((item, i) => {
    const path: Path = ['strategies', i];
    let name: unknown;
    let opts: Record<string, unknown> = {};
    if (typeof item === 'string') name = item;
    else if (item && typeof item === 'object' && !Array.isArray(item)) {
      const { strategy, ...rest } = item as Record<string, unknown>;
      if (strategy === undefined) {
        report('scenario-missing-field', path, { field: 'strategy' }, 'value');
        return;
      }
      name = strategy;
      opts = rest;
    } else {
      report('scenario-wrong-type', path, {
        field: `strategies[${i}]`,
        expected: 'a strategy name or a mapping with `strategy`',
        actual: describe(item),
      });
      return;
    }
    const namePath: Path = typeof item === 'string' ? path : [...path, 'strategy'];
    if (typeof name !== 'string') {
      report('scenario-wrong-type', namePath, {
        field: `strategies[${i}].strategy`,
        expected: 'a strategy name',
        actual: describe(name),
      });
      return;
    }
    const mod = strategies[name];
    if (!mod) {
      report('unknown-strategy', namePath, {
        value: name,
        suggestion: didYouMean(name, strategyNames),
        options: strategyNames.join(', '),
      });
      return;
    }
    const r = mod.options.safeParse(opts);
    if (!r.success) {
      const allowed = Object.keys((mod.options as unknown as { shape: Record<string, unknown> }).shape);
      for (const issue of r.error.issues) issueToDiagnostic(issue, path, opts, report, () => allowed);
      return;
    }
    const label = Object.keys(opts).length
      ? `${name} (${Object.entries(opts)
          .map(([k, v]) => `${k} ${String(v)}`)
          .join(', ')})`
      : name;
    if (seen.has(label)) report('duplicate-strategy', path, { label });
    seen.add(label);
    const month = (r.data as { month?: number | null }).month;
    const horizonMonths = pkg.horizon / MONTH;
    if (typeof month === 'number' && month >= horizonMonths) {
      report('strategy-after-horizon', [...path, 'month'], {
        field: `strategies[${i}].month`,
        strategy: name,
        month,
        horizon: Math.round(horizonMonths * 10) / 10,
      });
    }
    choices.push({ name, label, options: r.data });
  });

  // Sensitivity items.
  const sens = raw['sensitivity'];
  if (sens && typeof sens === 'object' && Array.isArray((sens as Record<string, unknown>)['items'])) {
    const ids = allItems(pkg).map((s) => s.id);
    ((sens as Record<string, unknown>)['items'] as unknown[]).forEach((v, i) => {
      if (typeof v === 'string' && !ids.includes(v)) {
        report('unknown-sensitivity-item', ['sensitivity', 'items', i], {
          value: v,
          suggestion: didYouMean(v, ids),
          options: ids.join(', '),
        });
      }
    });
  }

  finish(out);
  if (!data || hasErrors(diagnostics) || adversary === undefined) return out;
  const overrides: Partial<ModelParams> = {};
  for (const [k, v] of Object.entries(data.model ?? {}))
    if (v !== undefined) (overrides as Record<string, unknown>)[k] = v;
  const sensitivity = data.sensitivity;
  out.scenario = {
    name: data.scenario,
    adversary,
    adversaryNamed: typeof raw['adversary'] === 'string',
    runs: data.runs ?? DEFAULT_RUNS,
    seed: data.seed ?? DEFAULT_SEED,
    strategies: choices,
    params: resolveParams(pkg, overrides),
    sensitivityRuns: sensitivity === false ? 0 : sensitivity?.runs,
    sensitivityItems: sensitivity === false ? undefined : sensitivity?.items,
    sensitivityPerClause: sensitivity === false ? undefined : sensitivity?.['per-clause'],
  };
  return out;
}

function finish(out: LoadedScenario): LoadedScenario {
  out.diagnostics.sort(compareDiagnostics);
  return out;
}

/** Fields allowed at a path of the scenario, for "did you mean". */
function allowedAt(path: Path): string[] {
  if (path.length === 0) return Object.keys(scenarioSchema.shape);
  if (path[0] === 'model') return [...paramNames, 'blindable'];
  if (path[0] === 'sensitivity') return ['runs', 'items', 'per-clause'];
  return [];
}

function describe(x: unknown): string {
  if (x === undefined) return 'missing';
  if (x === null) return 'empty';
  if (Array.isArray(x)) return 'a list';
  if (typeof x === 'object') return 'a mapping';
  if (typeof x === 'string') return `the text "${x.length > 40 ? x.slice(0, 40) + '…' : x}"`;
  return `${typeof x === 'number' ? 'the number' : 'the value'} ${String(x)}`;
}

const expected: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
};

function fieldName(path: Path): string {
  const parts: string[] = [];
  for (const p of path) parts.push(typeof p === 'number' ? `[${p}]` : parts.length ? `.${p}` : p);
  return parts.join('') || 'the scenario';
}

type Report = (code: string, path: Path, args: Args, prefer?: 'key' | 'value') => void;

function issueToDiagnostic(
  issue: z.core.$ZodIssue,
  prefix: Path,
  raw: unknown,
  report: Report,
  allowed: (path: Path) => string[],
): void {
  const path = [...prefix, ...(issue.path as (string | number)[])];
  const local = issue.path as (string | number)[];
  const input = (issue as { input?: unknown }).input ?? valueAt(raw, local);
  switch (issue.code) {
    case 'unrecognized_keys':
      for (const k of issue.keys)
        report('scenario-unknown-field', [...path, k], { field: k, suggestion: didYouMean(k, allowed(local)) }, 'key');
      return;
    case 'invalid_type':
      if (input === undefined)
        report('scenario-missing-field', path.slice(0, -1), { field: String(path.at(-1) ?? '') }, 'key');
      else
        report('scenario-wrong-type', path, {
          field: fieldName(path),
          expected: expected[issue.expected] ?? issue.expected,
          actual: describe(input),
        });
      return;
    case 'invalid_value':
      report('scenario-bad-value', path, {
        field: fieldName(path),
        reason: `${describe(input)} is not one of ${issue.values.map(String).join(', ')}`,
      });
      return;
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const list = issue.origin === 'array';
      const word = issue.code === 'too_small' ? 'at least' : 'at most';
      report('scenario-bad-value', path, {
        field: fieldName(path),
        reason: list
          ? `must hold ${word} ${String(bound)} item${Number(bound) === 1 ? '' : 's'}`
          : `must be ${word} ${String(bound)}, not ${String(input)}`,
      });
      return;
    }
    case 'invalid_union': {
      // `sensitivity: false` or a mapping: report against the mapping form, which is what a user writing one meant.
      const inner = issue.errors.flat().find((e) => e.code !== 'invalid_value');
      if (inner && input && typeof input === 'object') {
        issueToDiagnostic(
          { ...inner, path: [...local, ...inner.path] } as z.core.$ZodIssue,
          prefix,
          raw,
          report,
          allowed,
        );
      } else
        report('scenario-wrong-type', path, {
          field: fieldName(path),
          expected: 'false or a mapping',
          actual: describe(input),
        });
      return;
    }
    default:
      report('scenario-bad-value', path, { field: fieldName(path), reason: issue.message });
  }
}

function valueAt(raw: unknown, path: readonly (string | number)[]): unknown {
  let cur = raw;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
}

export type { ParamName };
