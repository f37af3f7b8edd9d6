/**
 * The daily report as JSON (core/report/daily.ts `DailyReport`, docs/operations/report.md): every section closed,
 * with the fields the report always has required. The full and the public variants share it: a section the variant
 * or the caller's role does not include is absent, and `cases` and `responses` take the public shape in the public
 * variant (`anyOf`).
 */
import { reportSections } from '../core/report/daily.js';

const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const num = { type: 'number' } as const;
const strings = { type: 'array', items: str } as const;
const nullableTime = { type: ['string', 'null'], format: 'date-time' } as const;

const closed = <R extends readonly string[], P extends Record<string, unknown>>(required: R, properties: P) =>
  ({ type: 'object', additionalProperties: false, required, properties }) as const;

const countRow = closed(['key', 'label', 'count', 'previous', 'delta', 'mean7', 'deltaMean7'], {
  key: str,
  label: str,
  count: int,
  previous: { type: 'integer', description: 'The day before' },
  delta: int,
  mean7: { type: 'number', description: 'Mean of the 7 days before' },
  deltaMean7: num,
});
const countRows = { type: 'array', items: countRow } as const;

const caseRow = closed(['id', 'severity', 'attributedTo', 'openedAt', 'status', 'deadline', 'timeLeft', 'tally'], {
  id: str,
  severity: str,
  trigger: str,
  attributedTo: strings,
  openedAt: str,
  status: { type: 'string', enum: ['open', 'declared', 'dismissed', 'lapsed'] },
  deadline: nullableTime,
  timeLeft: { type: ['integer', 'null'], description: 'ms; null without a deadline' },
  tally: closed(['declare', 'dismiss', 'abstain'], { declare: int, dismiss: int, abstain: int }),
  decidedAt: str,
});
const caseRows = { type: 'array', items: caseRow } as const;

const taskRow = closed(['task', 'case', 'action', 'dueAt'], {
  task: str,
  case: str,
  action: str,
  dueAt: nullableTime,
  deliveredAt: str,
  late: { type: 'boolean' },
});
const taskRows = { type: 'array', items: taskRow } as const;

export const dailyReportSchema = {
  $id: 'DailyReport',
  type: 'object',
  description: 'The daily report (docs/operations/report.md)',
  additionalProperties: false,
  required: ['type', 'variant', 'package', 'date', 'window', 'sections', 'checkpoint'],
  properties: {
    type: { const: 'guarantor/daily-report/v1' },
    variant: { type: 'string', enum: ['full', 'public'] },
    package: closed(['id', 'version', 'title'], { id: str, version: str, title: str }),
    date: str,
    window: closed(['start', 'end', 'offset', 'cutoff'], { start: str, end: str, offset: str, cutoff: str }),
    sections: { type: 'array', items: { type: 'string', enum: [...reportSections] } },
    violations: closed(['total', 'byType', 'byRegion', 'daily', 'dailyByType'], {
      total: countRow,
      byType: countRows,
      byRegion: countRows,
      byProhibition: countRows,
      byParty: countRows,
      daily: { type: 'array', items: closed(['date', 'count'], { date: str, count: int }) },
      dailyByType: {
        type: 'array',
        items: closed(['key', 'counts'], { key: str, counts: { type: 'array', items: int } }),
      },
      points: {
        type: 'array',
        items: closed(['incident', 'activity', 'lon', 'lat', 'radius'], {
          incident: str,
          activity: str,
          lon: num,
          lat: num,
          radius: num,
          party: str,
        }),
      },
    }),
    heavyWeapons: closed(['total', 'previous', 'byClassAndZone', 'items'], {
      total: int,
      previous: int,
      byClassAndZone: {
        type: 'array',
        items: closed(['weapon', 'zone', 'count'], { weapon: str, zone: str, count: int }),
      },
      items: {
        type: 'array',
        items: closed(['violation', 'time', 'prohibition', 'weapons', 'zones', 'party'], {
          violation: str,
          time: str,
          prohibition: str,
          weapons: strings,
          zones: strings,
          party: str,
          region: str,
        }),
      },
    }),
    access: closed(['total', 'previous', 'findings'], {
      total: int,
      previous: int,
      findings: {
        type: 'array',
        items: closed(['incident', 'time', 'activity', 'prohibitions', 'party', 'zones', 'operators'], {
          incident: str,
          time: str,
          activity: str,
          prohibitions: strings,
          party: str,
          region: str,
          zones: strings,
          operators: strings,
          lon: num,
          lat: num,
        }),
      },
    }),
    // anyOf: the public shape's fields are a subset of the full one's, which a client that reads closed objects as
    // open (a newer server may add fields) would match too.
    cases: {
      anyOf: [
        closed(['counts', 'new', 'open', 'declared', 'dismissed', 'lapsed'], {
          counts: closed(['new', 'open', 'declared', 'dismissed', 'lapsed'], {
            new: int,
            open: int,
            declared: int,
            dismissed: int,
            lapsed: int,
          }),
          new: caseRows,
          open: caseRows,
          declared: caseRows,
          dismissed: caseRows,
          lapsed: caseRows,
        }),
        closed(['counts', 'declared'], {
          counts: closed(['declared'], { declared: int }),
          declared: {
            type: 'array',
            items: closed(['severity', 'declaredAt'], { severity: str, declaredAt: str }),
          },
        }),
      ],
    },
    votes: closed(['byMember'], {
      byMember: { type: 'array', items: closed(['member', 'pending'], { member: str, pending: strings }) },
    }),
    responses: {
      anyOf: [
        closed(['byActor'], {
          byActor: {
            type: 'array',
            items: closed(['actor', 'role', 'due', 'delivered', 'overdue'], {
              actor: str,
              role: str,
              due: taskRows,
              delivered: taskRows,
              overdue: taskRows,
            }),
          },
        }),
        closed(['publicMarks'], {
          publicMarks: {
            type: 'array',
            items: closed(['actor', 'action', 'dueAt', 'markedAt'], {
              actor: str,
              action: str,
              dueAt: nullableTime,
              markedAt: str,
            }),
          },
        }),
      ],
    },
    sustainment: {
      oneOf: [
        closed(['status'], { status: { const: 'no-ledger' } }),
        closed(['status', 'alerts'], {
          status: { const: 'ledger' },
          alerts: {
            type: 'array',
            items: closed(
              ['key', 'kind', 'requirement', 'guarantor', 'month', 'size', 'unit', 'message', 'raisedAt', 'state'],
              {
                key: str,
                kind: str,
                requirement: str,
                guarantor: { type: ['string', 'null'] },
                month: str,
                size: num,
                unit: str,
                message: str,
                raisedAt: str,
                state: { type: 'string', enum: ['open', 'acknowledged'] },
              },
            ),
          },
        }),
      ],
    },
    checkpoint: {
      description: 'The latest signed checkpoint the report rests on; null when none was signed yet',
      oneOf: [
        { type: 'null' },
        closed(['origin', 'size', 'root', 'rootHex', 'time', 'witnesses'], {
          origin: str,
          size: int,
          root: str,
          rootHex: str,
          time: str,
          witnesses: strings,
        }),
      ],
    },
  },
} as const;
