/**
 * The package language: the one schema from which the TypeScript model, runtime validation and the published
 * JSON Schema (schema/package.schema.json) all derive. Keys are the YAML keys, so a path in the model is a path
 * in the file and every later finding can point at its clause.
 */
import * as z from 'zod';
import { crossingSchema } from './crossings.js';
import { logSchema } from './log-witnesses.js';
import * as units from './units.js';
import * as v from './vocabulary.js';

/** Parse failures of unit strings carry their catalogue code so the loader can report them precisely. */
export interface UnitIssueParams {
  diagnostic: 'unit';
  unit: string;
}

function unit<T>(
  name: string,
  parse: (s: string) => units.Parsed<T>,
  pattern: string,
  description: string,
  examples: string[],
) {
  return z
    .string()
    .transform((s, ctx) => {
      const r = parse(s);
      if (r.ok) return r.value;
      ctx.issues.push({
        code: 'custom',
        message: r.reason,
        input: s,
        params: { diagnostic: 'unit', unit: name } satisfies UnitIssueParams,
      });
      return z.NEVER;
    })
    .meta({ description, pattern, examples });
}

export const duration = unit(
  'duration',
  units.parseDuration,
  units.durationPattern,
  'A duration: 30m, 6h, 2d, 2w, 18mo, 1y',
  ['6h', '2d'],
);
export const distance = unit('distance', units.parseDistance, units.distancePattern, 'A distance: 500m, 15km, 12nm', [
  '15km',
]);
export const speed = unit('rate', units.parseSpeed, units.speedPattern, 'A rate of advance: 5km/d', ['5km/d']);
export const money = unit('money', units.parseMoney, units.moneyPattern, 'Money with an ISO 4217 currency: 9e9 EUR', [
  '9e9 EUR',
]);
export const calendar = unit(
  'date',
  units.parseCalendar,
  units.datePattern,
  'A month (2026-06), day (2026-06-01) or UTC time (2026-06-01T00:00Z)',
  ['2026-06-01'],
);

/** `from` on a prohibition: a date, or a duration after the package takes effect (`14d`). */
export const startRule = z
  .string()
  .transform((s, ctx): { after: number } | { at: units.CalendarTime } => {
    const d = units.parseDuration(s);
    if (d.ok) return { after: d.value };
    const c = units.parseCalendar(s);
    if (c.ok) return { at: c.value };
    ctx.issues.push({
      code: 'custom',
      message: `"${s}" is neither a date (2026-06-15) nor a time after the package takes effect (14d)`,
      input: s,
      params: { diagnostic: 'unit', unit: 'date or duration' } satisfies UnitIssueParams,
    });
    return z.NEVER;
  })
  .meta({ description: 'A date, or a duration after `effective` (14d)', examples: ['14d', '2026-06-15'] });

export const idRegex = /^[A-Za-z][A-Za-z0-9_.-]*$/;
export const id = z
  .string()
  .regex(idRegex, { message: 'an id starts with a letter and holds letters, digits, "-", "_" or "."' });
const ref = id.meta({ description: 'The id of a clause declared elsewhere in the package' });
const refs = z.union([ref, z.array(ref).min(1)]);
const text = z.string().meta({ description: 'Free text as written in the agreement; scanned for hedge wording' });
const cite = z.string().meta({ description: 'Where this clause comes from: article, paragraph or point' });
const probability = z.number().min(0).max(1);
const fileRef = z.string().min(1).meta({ description: 'A GeoJSON file, relative to the package file' });

const clause = { text: text.optional(), cite: cite.optional() };

export const actorSchema = z.strictObject({
  name: z.string(),
  role: z.enum(v.roles),
  elections: z
    .array(calendar)
    .optional()
    .meta({ description: 'National elections that can end executive or political commitments' }),
  contributors: z.array(ref).optional().meta({ description: 'For a force or body: the actors that staff it' }),
  members: z
    .array(ref)
    .min(1)
    .optional()
    .meta({ description: 'For a coalition or bloc: its member actors (their elections matter)' }),
  decides: z.enum(v.coalitionRules).optional().meta({ description: 'For a coalition or bloc: how it decides to act' }),
  ...clause,
});

const sides = z.strictObject({ left: ref.optional(), right: ref.optional() }).meta({
  description: 'Which party holds each side of the line, looking along its direction',
});

export const zoneSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('line'), geometry: fileRef, sides: sides.optional(), ...clause }),
  z.strictObject({
    kind: z.literal('buffer'),
    around: ref,
    width: distance.meta({ description: 'How far the zone reaches from the line on each covered side' }),
    side: z.enum(['both', 'left', 'right']).default('both'),
    ...clause,
  }),
  z.strictObject({
    kind: z.literal('corridor'),
    geometry: fileRef,
    width: distance.meta({ description: 'Total width, centred on the line' }),
    ...clause,
  }),
  z.strictObject({
    kind: z.literal('airspace'),
    over: ref.optional(),
    geometry: fileRef.optional(),
    ceiling: distance,
    floor: distance.optional(),
    ...clause,
  }),
  z.strictObject({
    kind: z.literal('area'),
    geometry: fileRef.optional(),
    regions: z.array(z.string()).min(1).optional(),
    ...clause,
  }),
]);

export const regionsSchema = z.strictObject({
  geometry: fileRef,
  code: z.string().default('iso_3166_2').meta({ description: 'Feature property holding the region code' }),
  name: z.string().default('name_en').meta({ description: 'Feature property holding the region name' }),
});

const actorList = z.union([ref, z.array(ref).min(1)]);

export const controlSchema = z.strictObject({
  zone: ref,
  domain: z.enum(v.domains),
  governs: actorList.optional(),
  polices: actorList.optional(),
  secures: actorList.optional(),
  monitors: actorList.optional(),
  ...clause,
});

export const prohibitionSchema = z.strictObject({
  binds: z.array(ref).min(1),
  activities: z.array(z.enum(v.activities)).min(1),
  weapons: z.array(z.enum(v.weaponClasses)).min(1).optional(),
  inside: refs.optional(),
  except: refs.optional().meta({
    description: 'Zones inside `inside` where the prohibition does not apply (cantonments, a zone with holes)',
  }),
  across: ref.optional(),
  limit: z.partialRecord(z.enum(v.limitUnits), z.int().min(0)).optional().meta({
    description:
      'A ceiling rather than a ban: the most personnel or pieces of each weapon class each bound actor may keep there',
  }),
  from: startRule.optional(),
  until: startRule
    .optional()
    .meta({ description: 'When the clause ends: a date, or a duration after `effective` (a phase)' }),
  follows: ref.optional().meta({ description: 'The prohibition this one succeeds (the next phase of a withdrawal)' }),
  ...clause,
});

export const sourceSchema = z.strictObject({
  kind: z.enum(v.sourceKinds),
  operator: ref,
  revisit: duration.optional().meta({ description: 'Time between looks; absent means continuous' }),
  latency: duration.meta({ description: 'From seeing to reporting' }),
  covers: z.array(ref).min(1).optional().meta({ description: 'Zones it can see; absent means all of them' }),
  detects: z.partialRecord(z.enum(v.activities), probability),
  'on-request': duration.optional().meta({ description: "Inspects within this time of a party's request" }),
  quota: z
    .strictObject({ count: z.int().min(1), per: duration })
    .optional()
    .meta({
      description: 'At least `count` inspections every `per` ("at least twice a month": { count: 2, per: 1mo })',
    }),
  counts: z.boolean().optional().meta({
    description: 'It counts personnel and weapons (verifies force limits); default: inspection teams and patrols do',
  }),
  ...clause,
});

export const triggerSchema = z.strictObject({
  on: z.array(ref).min(1),
  evidence: z
    .strictObject({
      'independent-sources': z.int().min(1).optional(),
      confidence: probability.optional(),
    })
    .optional(),
  count: z.int().min(1).optional(),
  within: duration.optional(),
  depth: distance.optional(),
  severity: ref,
  wakes: z
    .strictObject({
      at: startRule.optional(),
      held: duration.optional().meta({ description: 'Wakes once the ceasefire has held this long' }),
      'on-lapse-of': ref.optional().meta({ description: 'Wakes when this prohibition lapses (its `until`)' }),
    })
    .optional()
    .meta({
      description: 'A dormant trigger: it applies only from when it wakes (exactly one of at, held, on-lapse-of)',
    }),
  ...clause,
});

export const stageSchema = z.strictObject({
  step: z.enum(v.stageKinds),
  by: refs,
  within: duration.optional().meta({ description: 'How long the step may take before the next' }),
  ...clause,
});

export const judgmentSchema = z.strictObject({
  body: z.string(),
  members: z.array(ref).min(1),
  rule: z.strictObject({
    type: z.enum(v.ruleTypes),
    fraction: z
      .number()
      .gt(0)
      .max(1)
      .optional()
      .meta({ description: 'Share of votes cast needed (qualified majority), or to overturn (reverse consensus)' }),
    quorum: z.int().min(1).optional(),
    veto: z.array(ref).optional().meta({ description: 'Members whose single vote against blocks a declaration' }),
  }),
  recuse: z.union([z.enum(['parties', 'none']), z.array(ref)]).default('none'),
  'tie-break': z.union([z.enum(['declare', 'dismiss']), ref]).optional(),
  deadline: duration.optional(),
  'on-deadline': z.enum(v.deadlineDefaults).optional(),
  before: z
    .array(stageSchema)
    .min(1)
    .optional()
    .meta({ description: 'Steps before the body decides, in order: negotiation, consultation, conciliation ...' }),
  ...clause,
});

export const termSchema = z.strictObject({
  length: duration
    .optional()
    .meta({ description: 'How long the agreement (or mandate) runs from `effective`; absent: until ended' }),
  renewal: z.enum(v.renewals),
  notice: duration
    .optional()
    .meta({ description: 'Any party may end the agreement (or stop its renewal) by giving this much notice' }),
  by: refs.optional().meta({ description: 'Who decides a renewal' }),
  rule: z.enum(v.ruleTypes).optional().meta({ description: 'How the renewing body decides' }),
  veto: z.array(ref).optional().meta({ description: 'Members of the renewing body whose single vote stops a renewal' }),
  ...clause,
});

/**
 * The war the agreement ends, coded from a conflict dataset rather than from the agreement's text: what sets its
 * baseline prospects (src/core/analysis/baseline.ts). Never part of the scorecard, which measures the text.
 */
export const contextSchema = z
  .strictObject({
    ending: z.enum(v.warEndings).optional().meta({
      description:
        'How the armed conflict before the agreement ended: victory (one side won), no-victory (a ceasefire, a peace agreement, low activity), no-war (none between the parties); absent: not coded',
    }),
    intensity: z.enum(v.warIntensities).optional().meta({
      description:
        'Its highest intensity in the episode the agreement ended: war (1,000 battle deaths in a year or more), minor, no-war; absent: not coded',
    }),
    source: z.string().min(1).meta({ description: 'The dataset, version and row each value is coded from' }),
  })
  .refine(
    (c) =>
      (c.ending === 'no-war') === (c.intensity === 'no-war') || c.ending === undefined || c.intensity === undefined,
    {
      message: 'no-war is said of the whole context: ending and intensity are both no-war, or one of them is absent',
      path: ['intensity'],
    },
  );

export const responseSchema = z.strictObject({
  by: actorList,
  do: z.enum(v.responseActions),
  within: duration.optional(),
  automatic: z.boolean().default(false),
  upon: z.enum(v.responseStarts).default('declaration').meta({
    description:
      "What starts the clock: the judgment body's declaration (default), or the trigger itself when each responder judges for itself",
  }),
  form: z
    .enum(v.legalForms)
    .optional()
    .meta({ description: 'Legal form of this obligation: treaty, appropriation-law, executive or political' }),
  ...clause,
});

const quantityFields = {
  amount: money.optional(),
  quantity: z.number().nonnegative().optional(),
  per: z.enum(v.periods),
};

export const requirementSchema = z.strictObject({
  ...quantityFields,
  stock: duration.optional().meta({ description: 'How long stocks on hand cover the requirement' }),
  ...clause,
});

export const commitmentSchema = z.strictObject({
  by: ref,
  provides: ref,
  ...quantityFields,
  from: calendar,
  until: calendar.optional(),
  form: z.enum(v.legalForms),
  'lead-time': duration.optional(),
  ...clause,
});

/** When the live ledger warns (docs/operations/ledger.md): each has a default, so the section is optional. */
export const sustainmentAlertsSchema = z.strictObject({
  threshold: probability
    .optional()
    .meta({ description: 'Warn when a requirement is projected below this coverage (0..1; default 0.8)' }),
  within: duration
    .optional()
    .meta({ description: 'How far ahead to look: projected shortfalls, commitments ending, elections (default 3mo)' }),
  'max-share': probability
    .optional()
    .meta({ description: 'Warn when one guarantor carries more than this share of a requirement (0..1; default 0.5)' }),
});

export const escalationSchema = z.strictObject({
  after: duration.meta({ description: 'Time after a task falls overdue' }),
  step: z.enum(v.escalationSteps),
});

const currency = z.string().regex(/^[A-Z]{3}$/, { message: 'a currency is a three-letter ISO 4217 code such as EUR' });

export const assumptionsSchema = z.strictObject({
  'advance-rate': speed.optional(),
  'national-decision': duration.optional(),
  currency: currency.default('EUR'),
  fx: z.record(currency, money).optional(),
});

export const packageSchema = z
  .strictObject({
    package: id.meta({ description: 'The package id' }),
    title: z.string(),
    version: z.string().optional(),
    description: z.string().optional(),
    effective: calendar,
    horizon: duration,
    term: termSchema.optional().meta({ description: "The agreement's own term and how it is renewed" }),
    context: contextSchema.optional().meta({
      description:
        'The war the agreement ends, coded from a dataset, not the text: its baseline prospects (docs/language.md)',
    }),
    actors: z.record(id, actorSchema),
    regions: regionsSchema.optional(),
    zones: z.record(id, zoneSchema).default({}),
    control: z.array(controlSchema).default([]),
    prohibitions: z.record(id, prohibitionSchema).default({}),
    verification: z.record(id, sourceSchema).default({}),
    severities: z.array(id).default([]).meta({ description: 'Severity levels, least to most serious' }),
    triggers: z.record(id, triggerSchema).default({}),
    judgment: judgmentSchema.optional(),
    responses: z.record(id, z.array(responseSchema)).default({}),
    escalation: z.array(escalationSchema).default([]),
    sustainment: z
      .strictObject({
        requirements: z.record(id, requirementSchema).default({}),
        commitments: z.array(commitmentSchema).default([]),
        alerts: sustainmentAlertsSchema.optional(),
      })
      .default({ requirements: {}, commitments: [] }),
    assumptions: assumptionsSchema.default({ currency: 'EUR' }),
    crossings: z.record(id, crossingSchema).default({}).meta({
      description: 'Crossing points and corridors whose public status is open, restricted or closed (docs/language.md)',
    }),
    log: logSchema.optional().meta({
      description: "The transparency log's witnesses and how many must cosign a checkpoint (docs/language.md)",
    }),
  })
  .meta({
    title: 'Guarantor guarantee package',
    description: 'A ceasefire guarantee package: who verifies, who judges, who responds, how fast, and who pays.',
  });

export type Package = z.output<typeof packageSchema>;
export type Actor = z.output<typeof actorSchema>;
export type Zone = z.output<typeof zoneSchema>;
export type Control = z.output<typeof controlSchema>;
export type Prohibition = z.output<typeof prohibitionSchema>;
export type Source = z.output<typeof sourceSchema>;
export type Trigger = z.output<typeof triggerSchema>;
export type Judgment = z.output<typeof judgmentSchema>;
export type Response = z.output<typeof responseSchema>;
export type Requirement = z.output<typeof requirementSchema>;
export type Commitment = z.output<typeof commitmentSchema>;
export type SustainmentAlerts = z.output<typeof sustainmentAlertsSchema>;
export type Assumptions = z.output<typeof assumptionsSchema>;
export type Stage = z.output<typeof stageSchema>;
export type Term = z.output<typeof termSchema>;
export type Context = z.output<typeof contextSchema>;

/** The JSON Schema that editors use to autocomplete and check a package. */
export function packageJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(packageSchema, { io: 'input', target: 'draft-7', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return { $id: 'https://guarantor.invalid/schema/package.schema.json', ...schema };
}
