/**
 * `guarantor ledger import FILE --url URL --api-key KEY`: a file of pledges and deliveries sent to a running server, in
 * batches, with a progress bar; the documented ledger CSV or the Kiel tracker's data-explorer layout (detected from
 * the header, or `--format`). Parsing is pure (core/ledger/import.ts); the server validates. A batch refused for some
 * items is resent without them, so one bad row does not sink an import; refusals are summed up grouped by reason.
 */
import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import {
  detectLayout,
  LedgerCsvError,
  parseKielCsv,
  parseLedgerCsv,
  type CsvLayout,
  type KielCategory,
  type LedgerImport,
} from '../core/ledger/import.js';
import { readText } from '../package-files.js';
import { ApiClient, refusal, type Fetch } from './api-client.js';
import { plural, shared } from './options.js';
import { UsageError } from './usage-error.js';

export interface LedgerImportOptions {
  file: string;
  url: string;
  apiKey: string;
  batch: number;
  format?: CsvLayout;
  /** Kiel layout: category -> requirement. */
  map?: Partial<Record<KielCategory, string>>;
  form?: string;
  actors?: Record<string, string>;
  fetch?: Fetch;
  progress?: boolean;
}

export interface LedgerImportSummary {
  layout: CsvLayout;
  pledges: number;
  deliveries: number;
  accepted: number;
  duplicates: number;
  /** Rows the file itself could not give (before sending). */
  unreadable: { line: number; reason: string }[];
  notes: { line: number; reason: string }[];
  /** Items the server refused, grouped: `path: reason` with ids and numbers taken out, how many, one example. */
  refused: { group: string; count: number; example: string }[];
  alertsRaised: number;
  seconds: number;
}

const categories = ['financial', 'humanitarian', 'military', 'to_be_allocated'] as const;

function pairs(list: string[] | undefined, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of list ?? []) {
    const [, name, value] = /^([^=]+)=(.+)$/.exec(p) ?? [];
    if (name === undefined || value === undefined) throw new UsageError(`${what} takes NAME=VALUE, not "${p}"`);
    out[name.trim()] = value.trim();
  }
  return out;
}

export function register(program: Command): void {
  const ledger = program
    .command('ledger')
    .description('the sustainment ledger: pledges and deliveries (docs/operations/ledger.md)');
  const cmd = ledger
    .command('import')
    .description(
      'send pledges and deliveries from a CSV file to a server: the ledger CSV format, or the Kiel tracker data-explorer layout',
    )
    .argument('<file>', 'the CSV file');
  shared(cmd, {
    url: { required: true, aliases: ['--to'] },
    apiKey: {
      required: true,
      note: 'a guarantor key for its own records, an admin key for anyone',
      aliases: ['--key'],
    },
  })
    .option('--format <layout>', 'ledger or kiel (default: from the header)')
    .option(
      '--map <category=requirement...>',
      'kiel: the requirement each category goes to, e.g. military=military-aid (financial, humanitarian, military, to_be_allocated)',
    )
    .option('--actor <iso=actor...>', 'kiel: the package actor of a donor code, e.g. DEU=DE (default: the code itself)')
    .option(
      '--form <form>',
      'kiel: the legal form of imported pledges (treaty, appropriation-law, executive, political)',
      'political',
    )
    .option('--batch <n>', 'records per request', '500')
    .action(
      async (
        file: string,
        opts: {
          url: string;
          apiKey: string;
          format?: string;
          map?: string[];
          actor?: string[];
          form: string;
          batch: string;
        },
      ) => {
        const batch = Number(opts.batch);
        if (!Number.isInteger(batch) || batch < 1 || batch > 10_000)
          throw new UsageError(`--batch must be a whole number from 1 to 10000, not "${opts.batch}"`);
        if (opts.format !== undefined && opts.format !== 'ledger' && opts.format !== 'kiel')
          throw new UsageError(`--format must be ledger or kiel, not "${opts.format}"`);
        const map = pairs(opts.map, '--map');
        for (const k of Object.keys(map))
          if (!(categories as readonly string[]).includes(k))
            throw new UsageError(`--map: "${k}" is not a category; use ${categories.join(', ')}`);
        const summary = await runLedgerImport({
          file,
          url: opts.url,
          apiKey: opts.apiKey,
          batch,
          ...(opts.format ? { format: opts.format as CsvLayout } : {}),
          map,
          form: opts.form,
          actors: pairs(opts.actor, '--actor'),
          progress: process.stderr.isTTY === true,
        });
        process.stdout.write(formatLedgerSummary(summary));
        process.exitCode = summary.refused.length || summary.unreadable.length ? 1 : 0;
      },
    );
}

export function parseLedgerFile(
  text: string,
  o: Pick<LedgerImportOptions, 'format' | 'map' | 'form' | 'actors'>,
): { layout: CsvLayout; parsed: LedgerImport } {
  const layout = o.format ?? detectLayout(text);
  if (!layout)
    throw new UsageError(
      'the header is neither the ledger CSV format (type, id, by, ...) nor the Kiel tracker layout (country, iso, year, month, total, ...); see docs/operations/ledger.md',
    );
  try {
    if (layout === 'ledger') return { layout, parsed: parseLedgerCsv(text) };
    const map = o.map ?? {};
    const requirements = Object.keys(map).length
      ? map
      : { financial: 'financial', humanitarian: 'humanitarian', military: 'military' };
    return {
      layout,
      parsed: parseKielCsv(text, {
        requirements,
        ...(o.form ? { form: o.form } : {}),
        ...(o.actors ? { actors: o.actors } : {}),
      }),
    };
  } catch (e) {
    if (e instanceof LedgerCsvError) throw new UsageError(e.message);
    throw e;
  }
}

/** A refusal's group: its field and reason with quoted ids and numbers taken out. */
export function groupOf(p: { path: string; reason: string }): string {
  const field = p.path.replace(/\.\d+$/, '.N');
  return `${field}: ${p.reason.replace(/"[^"]*"/g, '"…"').replace(/\b[\w.-]*\d[\w.-]*\b/g, 'N')}`;
}

export async function runLedgerImport(o: LedgerImportOptions): Promise<LedgerImportSummary> {
  const started = process.hrtime.bigint();
  const { layout, parsed } = parseLedgerFile(readText(o.file), o);
  const api = new ApiClient(o.url, o.fetch, o.apiKey);
  const s: LedgerImportSummary = {
    layout,
    pledges: parsed.pledges.length,
    deliveries: parsed.deliveries.length,
    accepted: 0,
    duplicates: 0,
    unreadable: parsed.rejected,
    notes: parsed.notes,
    refused: [],
    alertsRaised: 0,
    seconds: 0,
  };
  const groups = new Map<string, { count: number; example: string }>();
  const refuse = (item: Record<string, unknown> | undefined, p: { path: string; reason: string }) => {
    const g = groupOf(p);
    const e = groups.get(g);
    if (e) e.count++;
    else
      groups.set(g, { count: 1, example: `${String(item?.['id'] ?? '?')}: ${p.path ? p.path + ': ' : ''}${p.reason}` });
  };
  const total = parsed.pledges.length + parsed.deliveries.length;
  const bar = o.progress
    ? new SingleBar(
        {
          format:
            'ledger import {bar} {value}/{total} records | {accepted} accepted, {duplicates} duplicate, {refused} refused | {eta_formatted}',
          hideCursor: true,
        },
        Presets.shades_classic,
      )
    : undefined;
  bar?.start(total, 0, { accepted: 0, duplicates: 0, refused: 0 });
  let done = 0;
  let refused = 0;

  try {
    for (const [kind, items] of [
      ['pledges', parsed.pledges],
      ['deliveries', parsed.deliveries],
    ] as const) {
      const op = kind === 'pledges' ? 'postLedgerPledges' : 'postLedgerDeliveries';
      for (let i = 0; i < items.length; i += o.batch) {
        let batch = items.slice(i, i + o.batch);
        // Refused items are taken out and the rest sent again (a pledge refused in a batch may take deliveries with it).
        for (let round = 0; batch.length; round++) {
          const r = await api.call(op, { body: batch });
          if (r.status === 200) {
            s.accepted += r.body.accepted;
            s.duplicates += r.body.duplicates;
            s.alertsRaised += r.body.alerts.raised;
            break;
          }
          const problems =
            r.status === 400 || r.status === 403 || r.status === 409
              ? (r.body.problems ?? []).filter((p): p is typeof p & { index: number } => typeof p.index === 'number')
              : [];
          if (!problems.length || round > 50)
            throw new UsageError(`the server refused ${kind} ${i}..${i + batch.length - 1} (${refusal(r)})`);
          const bad = new Set(problems.map((p) => p.index));
          for (const p of problems) refuse(batch[p.index], p);
          refused += bad.size;
          batch = batch.filter((_, k) => !bad.has(k));
        }
        done += Math.min(o.batch, items.length - i);
        bar?.update(done, { accepted: s.accepted, duplicates: s.duplicates, refused });
      }
    }
  } finally {
    bar?.stop();
  }
  s.refused = [...groups]
    .map(([group, g]) => ({ group, ...g }))
    .sort((a, b) => b.count - a.count || (a.group < b.group ? -1 : 1));
  s.seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return s;
}

export function formatLedgerSummary(s: LedgerImportSummary): string {
  const lines = [
    `${plural(s.pledges, 'pledge or withdrawal', 'pledges and withdrawals')}, ${plural(s.deliveries, 'delivery', 'deliveries')} read (${s.layout} layout; ${plural(s.unreadable.length, 'row')} unreadable), sent in ${s.seconds.toFixed(1)} s`,
    `${s.accepted} accepted, ${s.duplicates} duplicate, ${s.refused.reduce((n, g) => n + g.count, 0)} refused; ${plural(s.alertsRaised, 'alert')} raised`,
  ];
  if (s.refused.length) lines.push('refused, by reason:');
  for (const g of s.refused.slice(0, 20))
    lines.push(`  ${String(g.count).padStart(6)}  ${g.group}\n          e.g. ${g.example}`);
  const unreadable = new Map<string, { count: number; line: number; reason: string }>();
  for (const u of s.unreadable) {
    const g = groupOf({ path: '', reason: u.reason });
    const e = unreadable.get(g);
    if (e) e.count++;
    else unreadable.set(g, { count: 1, line: u.line, reason: u.reason });
  }
  if (unreadable.size) lines.push('unreadable rows, by reason:');
  for (const [, u] of unreadable) lines.push(`  ${String(u.count).padStart(6)}  e.g. line ${u.line}: ${u.reason}`);
  for (const n of s.notes.slice(0, 10)) lines.push(`  note${n.line ? ` (line ${n.line})` : ''}: ${n.reason}`);
  if (s.notes.length > 10) lines.push(`  ... ${s.notes.length - 10} more notes`);
  return lines.join('\n') + '\n';
}
