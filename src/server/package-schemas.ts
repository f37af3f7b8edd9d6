/**
 * The package routes' answers: the map (dashboard/package-geometry.ts `PackageMap`), the analysis (the core's
 * scorecard, trigger timelines, sustainment and findings, as `analyse` gives them) and the package model. Times are
 * ms and distances m; a time or distance that is never reached (Infinity in the core) is `null` in JSON.
 */
import * as z from 'zod';
import { dimensions } from '../core/analysis/finding.js';
import { packageSchema, startRule } from '../core/spec/schema.js';
import * as units from '../core/spec/units.js';
import { activities, legalForms, responseActions, responseStarts } from '../core/spec/vocabulary.js';

const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const num = { type: 'number' } as const;
const bool = { type: 'boolean' } as const;
const strings = { type: 'array', items: str } as const;
/** A time or distance the core may find unbounded (Infinity), which JSON writes as null. */
const bound = { type: ['number', 'null'], description: 'null: never, or unbounded' } as const;

const closed = <R extends readonly string[], P extends Record<string, unknown>>(required: R, properties: P) =>
  ({ type: 'object', additionalProperties: false, required, properties }) as const;

const position = { type: 'array', minItems: 2, maxItems: 3, items: num } as const;
const line = { type: 'array', items: position } as const;

export const packageMapSchema = {
  $id: 'PackageMap',
  type: 'object',
  description: 'Regions and zones as a GeoJSON FeatureCollection (RFC 7946), with the zones that could not be drawn',
  additionalProperties: false,
  required: ['type', 'bbox', 'features', 'undrawn'],
  properties: {
    type: { const: 'FeatureCollection' },
    bbox: { type: 'array', description: '[west, south, east, north]', minItems: 4, maxItems: 4, items: num },
    features: {
      type: 'array',
      items: closed(['type', 'id', 'properties', 'geometry'], {
        type: { const: 'Feature' },
        id: int,
        properties: {
          oneOf: [
            closed(['layer', 'code', 'name'], { layer: { const: 'region' }, code: str, name: str }),
            closed(['layer', 'id', 'kind'], {
              layer: { const: 'zone' },
              id: str,
              kind: str,
              text: str,
              left: { type: 'string', description: 'line: the actor on its left' },
              right: { type: 'string', description: 'line: the actor on its right' },
              around: { type: 'string', description: 'buffer: the zone it surrounds' },
              width: { type: 'number', description: 'buffer, corridor: metres' },
              side: { type: 'string', description: 'buffer: which side of its line' },
              over: { type: 'string', description: 'airspace: the zone it lies over' },
              ceiling: { type: 'number', description: 'airspace: metres' },
              floor: { type: 'number', description: 'airspace: metres' },
              regions: { ...strings, description: 'area: its regions' },
              prohibitions: { ...strings, description: 'The prohibitions that bind inside it' },
            }),
          ],
        },
        geometry: {
          oneOf: [
            closed(['type', 'coordinates'], {
              type: { const: 'MultiPolygon' },
              coordinates: { type: 'array', items: { type: 'array', items: line } },
            }),
            closed(['type', 'coordinates'], {
              type: { const: 'MultiLineString' },
              coordinates: { type: 'array', items: line },
            }),
          ],
        },
      }),
    },
    undrawn: { type: 'array', items: closed(['zone', 'reason'], { zone: str, reason: str }) },
  },
} as const;

const interval = closed(['best', 'worst'], { best: bound, worst: bound });
const act = closed(['prohibition', 'activity', 'operators'], {
  prohibition: str,
  activity: { type: 'string', enum: [...activities] },
  operators: {
    type: 'array',
    description: 'Distinct operators that can see it, fastest first',
    items: closed(['operator', 'sources', 'best', 'worst'], {
      operator: str,
      sources: strings,
      best: bound,
      worst: bound,
    }),
  },
  confirmed: { ...interval, description: 'When the k-th operator has reported; absent when fewer can see it' },
});
const responseTimingProperties = {
  index: int,
  action: { type: 'string', enum: [...responseActions] },
  by: strings,
  upon: { type: 'string', enum: [...responseStarts] },
  automatic: bool,
  material: bool,
  within: bound,
  decision: { ...bound, description: 'The national-decision time added (0 when automatic)' },
  due: interval,
} as const;
const responseTimingRequired = ['index', 'action', 'by', 'upon', 'automatic', 'material', 'decision', 'due'] as const;

const deduction = closed(['dimension', 'code', 'points', 'message'], {
  dimension: { type: 'string', enum: [...dimensions] },
  code: str,
  points: num,
  message: str,
});

export const packageAnalysisSchema = {
  $id: 'PackageAnalysis',
  type: 'object',
  description: 'The analysis of the package in force (docs/analysis.md)',
  additionalProperties: false,
  required: ['scorecard', 'timeline', 'sustainment', 'findings'],
  properties: {
    scorecard: closed(['overall', 'weakest', 'dimensions'], {
      overall: num,
      weakest: { type: 'string', enum: [...dimensions] },
      dimensions: closed(
        dimensions,
        Object.fromEntries(
          dimensions.map((d) => [
            d,
            closed(['score', 'deductions'], { score: num, deductions: { type: 'array', items: deduction } }),
          ]),
        ),
      ),
    }),
    timeline: {
      type: 'array',
      description: 'Day one, per trigger: from the first act to the first material response',
      items: closed(['trigger', 'severity', 'k', 'acts', 'threshold', 'caseOpens', 'judgment', 'responses'], {
        trigger: str,
        severity: str,
        k: { type: 'integer', description: 'Independent sources required' },
        acts: { type: 'array', items: act },
        fastest: act,
        slowest: act,
        detection: interval,
        threshold: closed(['best', 'worst'], { best: bound, worst: bound, depthTime: bound, window: bound }),
        caseOpens: interval,
        judgment: closed(['present', 'decision', 'risks'], {
          present: bool,
          deadline: bound,
          onDeadline: str,
          decision: interval,
          risks: strings,
        }),
        responses: {
          type: 'array',
          items: closed(responseTimingRequired, responseTimingProperties),
        },
        firstMaterial: closed([...responseTimingRequired, 'at'], { ...responseTimingProperties, at: interval }),
        depth: { ...interval, description: 'Metres a violator can advance before the first material response' },
        along: closed(['line', 'length', 'area'], { line: str, length: num, area: interval }),
      }),
    },
    sustainment: closed(['currency', 'months', 'requirements', 'cliffs', 'electionRisks', 'leadGaps', 'unconverted'], {
      currency: str,
      months: strings,
      requirements: {
        type: 'array',
        items: closed(
          ['id', 'unit', 'level', 'perMonth', 'series', 'meanCoverage', 'shortMonths', 'shares', 'commitments', 'lead'],
          {
            id: str,
            unit: str,
            level: bool,
            perMonth: num,
            series: {
              type: 'array',
              items: closed(['required', 'firm', 'atRisk', 'stock', 'coverage', 'delivered', 'stockLeft'], {
                required: num,
                firm: num,
                atRisk: num,
                stock: num,
                coverage: num,
                delivered: num,
                stockLeft: num,
              }),
            },
            meanCoverage: num,
            shortMonths: int,
            shares: { type: 'array', items: closed(['by', 'share'], { by: str, share: num }) },
            commitments: { type: 'array', items: int },
            runsOut: str,
            lead: bound,
            orderBy: str,
          },
        ),
      },
      cliffs: {
        type: 'array',
        items: closed(['n', 'by', 'requirement', 'month', 'left', 'before', 'after'], {
          n: int,
          by: str,
          requirement: str,
          month: str,
          left: num,
          before: num,
          after: num,
        }),
      },
      electionRisks: {
        type: 'array',
        items: closed(['n', 'by', 'requirement', 'form', 'date'], {
          n: int,
          by: str,
          requirement: str,
          form: { type: 'string', enum: [...legalForms] },
          date: str,
        }),
      },
      leadGaps: {
        type: 'array',
        items: closed(['n', 'by', 'requirement', 'lead', 'stock'], {
          n: int,
          by: str,
          requirement: str,
          lead: bound,
          stock: num,
        }),
      },
      unconverted: {
        type: 'array',
        items: closed(['clause', 'path', 'currency'], {
          clause: str,
          path: { type: 'array', items: { type: ['string', 'integer'] } },
          currency: str,
        }),
      },
    }),
    findings: {
      type: 'array',
      items: closed(
        ['code', 'severity', 'message', 'file', 'line', 'column', 'endLine', 'endColumn', 'help', 'related'],
        {
          code: str,
          severity: { type: 'string', enum: ['error', 'warning', 'info'] },
          message: str,
          file: str,
          line: int,
          column: int,
          endLine: int,
          endColumn: int,
          help: str,
          related: {
            type: 'array',
            items: closed(['message', 'file', 'line', 'column'], { message: str, file: str, line: int, column: int }),
          },
        },
      ),
    },
  },
} as const;

/**
 * The package in force as loaded (`GET /v1/package/model`): the package language's own schema (core/spec/schema.ts)
 * on its output side, with each unit written as what it loads to: a duration as ms, a distance as m, a rate as m/ms,
 * money as {amount, currency}, a date as {start, end, precision, text}, a start rule as {after} or {at}.
 */
export function packageModelSchema(): Record<string, unknown> {
  const calendarTime = closed(['start', 'end', 'precision', 'text'], {
    start: { type: 'number', description: 'Epoch ms of the start of the named month, day or instant' },
    end: { type: 'number', description: 'Epoch ms just after it ends (an instant: its start)' },
    precision: { type: 'string', enum: ['month', 'day', 'time'] },
    text: str,
  });
  const loaded: Record<string, Record<string, unknown>> = {
    [units.durationPattern]: { type: 'number', description: 'A duration, ms' },
    [units.distancePattern]: { type: 'number', description: 'A distance, m' },
    [units.speedPattern]: { type: 'number', description: 'A rate of advance, m per ms' },
    [units.moneyPattern]: closed(['amount', 'currency'], { amount: num, currency: str }),
    [units.datePattern]: calendarTime,
  };
  const schema = z.toJSONSchema(packageSchema, {
    io: 'output',
    target: 'draft-2020-12',
    unrepresentable: 'any',
    override: (ctx) => {
      const j = ctx.jsonSchema as Record<string, unknown>;
      const pattern = j['pattern'];
      const replacement =
        j['type'] === undefined && typeof pattern === 'string'
          ? loaded[pattern]
          : ctx.zodSchema === startRule
            ? {
                oneOf: [
                  closed(['after'], { after: loaded[units.durationPattern] }),
                  closed(['at'], { at: calendarTime }),
                ],
              }
            : undefined;
      if (!replacement) return;
      // What it loads to, then how the package writes it.
      const written = typeof j['description'] === 'string' ? j['description'] : undefined;
      const own = typeof replacement['description'] === 'string' ? replacement['description'] : 'As loaded';
      for (const k of Object.keys(j)) delete j[k];
      Object.assign(j, replacement, { description: written ? `${own}; in the package: ${written}` : own });
    },
  }) as Record<string, unknown>;
  const { $schema: _, ...rest } = schema;
  return { $id: 'PackageModel', ...rest };
}
