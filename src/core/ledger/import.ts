/**
 * Files a user holds, read into ledger items for `guarantor ledger import` (docs/operations/ledger.md): the
 * documented ledger CSV, one record a row; and the column layout of the Kiel Ukraine Support Tracker's data-explorer
 * file (`country, iso, year, month, total, financial, humanitarian, military, commitments, to_be_allocated`, EUR
 * billion). Parsing only: the server validates what is sent, and the CLI groups what it refuses.
 *
 * The tracker counts money, per donor and month: new `commitments`, what was allocated (`total`, split into the
 * three categories; "allocated" is the tracker's word for earmarked or delivered) and the running backlog
 * (`to_be_allocated`). Monthly flows do not pair up: a month can allocate more than it commits, drawing on earlier
 * commitments. We pair them first in, first out: each month's allocations draw on the donor's oldest commitments
 * still open. A commitment becomes one pledge per category its money went to (`kiel-<iso>-<month>-<category>`,
 * `per: once`, from its month), and what is still open at the end of the file one pledge of the backlog category; an
 * allocation becomes one delivery per pledge it drew on, dated the first day of its month.
 */
import { parseCsv, type CsvTable } from '../ops/replay/csv.js';
import { itemAt, valueAt } from '../item-at.js';

export interface ImportRejection {
  /** 1-based line of the file. */
  line: number;
  reason: string;
}

export interface LedgerImport {
  pledges: Record<string, unknown>[];
  deliveries: Record<string, unknown>[];
  rejected: ImportRejection[];
  /** Observations that are not rejections (a backlog column that disagrees with the flows). */
  notes: ImportRejection[];
}

export const kielColumns = [
  'country',
  'iso',
  'year',
  'month',
  'total',
  'financial',
  'humanitarian',
  'military',
  'commitments',
  'to_be_allocated',
] as const;
export const kielCategories = ['financial', 'humanitarian', 'military'] as const;
export type KielCategory = (typeof kielCategories)[number] | 'to_be_allocated';

/** The documented ledger CSV's columns; a row's `type` says which apply. */
export const ledgerCsvColumns = [
  'type',
  'id',
  'by',
  'requirement',
  'pledge',
  'amount',
  'currency',
  'quantity',
  'per',
  'from',
  'until',
  'form',
  'lead_time',
  'supersedes',
  'withdraws',
  'delivered',
  'evidence',
  'source',
  'note',
] as const;

export type CsvLayout = 'ledger' | 'kiel';

/** Which layout a header is: the tracker's when it has all its columns, ours when it has `type` and `id`. */
export function detectLayout(text: string): CsvLayout | undefined {
  const header = parseCsv(text.slice(0, text.indexOf('\n') + 1 || undefined)).header.map((h) => h.trim().toLowerCase());
  if (kielColumns.every((c) => header.includes(c))) return 'kiel';
  if (header.includes('type') && header.includes('id')) return 'ledger';
  return undefined;
}

function columns(t: CsvTable, wanted: readonly string[], required: readonly string[]): Map<string, number> {
  const index = new Map<string, number>();
  t.header.forEach((h, i) => index.set(h.trim().toLowerCase(), i));
  const missing = required.filter((c) => !index.has(c));
  if (missing.length)
    throw new LedgerCsvError(`the header lacks ${missing.join(', ')}; expected columns ${wanted.join(', ')}`);
  return index;
}

export class LedgerCsvError extends Error {}

/** The documented format: one record a row; numbers as written, evidence hashes separated by `;`. */
export function parseLedgerCsv(text: string): LedgerImport {
  const t = parseCsv(text);
  const col = columns(t, ledgerCsvColumns, ['type', 'id', 'by']);
  const out: LedgerImport = { pledges: [], deliveries: [], rejected: [], notes: [] };
  const numeric = new Set(['amount', 'quantity']);
  const rename: Record<string, string> = { lead_time: 'leadTime' };
  for (const row of t.rows) {
    const cell = (c: string) => {
      const i = col.get(c);
      return i === undefined ? '' : (row.fields[i] ?? '').trim();
    };
    if (row.fields.every((f) => f.trim() === '')) continue;
    const type = cell('type');
    const item: Record<string, unknown> = {};
    let bad: string | undefined;
    for (const c of ledgerCsvColumns) {
      if (c === 'type') continue;
      const v = cell(c);
      if (v === '') continue;
      if (numeric.has(c)) {
        // Sent as a number when it is one; otherwise as written, so the server names the field and the reason.
        const n = Number(v);
        item[c] = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v) && Number.isFinite(n) ? n : v;
      } else if (c === 'evidence')
        item[c] = v
          .split(';')
          .map((x) => x.trim())
          .filter(Boolean);
      else item[rename[c] ?? c] = v;
    }
    if (type === 'pledge' || type === 'withdrawal') out.pledges.push(item);
    else if (type === 'delivery') out.deliveries.push(item);
    else bad = `type ${JSON.stringify(type)} is not pledge, withdrawal or delivery`;
    if (bad) out.rejected.push({ line: row.line, reason: bad });
  }
  return out;
}

export interface KielOptions {
  /** The requirement of the package each category's money goes to; a category without one is not imported. */
  requirements: Partial<Record<KielCategory, string>>;
  /** The legal form pledges are recorded with (the tracker does not say): default `political`. */
  form?: string;
  /** Package actor ids by the file's `iso` code (default: the code itself). */
  actors?: Readonly<Record<string, string>>;
  /** Where the records say they come from. */
  source?: string;
}

/** EUR billion as written (`1.25`, `0.0004`) to whole euros, exactly: no binary fractions in between. */
export function billionsToEuros(text: string): number | undefined {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) return undefined;
  const frac = (m[2] ?? '').padEnd(10, '0');
  const euros = Number(m[1]) * 1e9 + Number(frac.slice(0, 9)) + (Number(frac[9]) >= 5 ? 1 : 0);
  return Number.isSafeInteger(euros) ? euros : undefined;
}

const monthText = (y: number, m: number) => `${y}-${String(m).padStart(2, '0')}`;
const tolerance = 1_000_000; // one million euros: the tracker rounds to the millionth of a billion or coarser

interface Chunk {
  month: string;
  left: number;
  /** Drawn per category. */
  drawn: Map<KielCategory, number>;
}

export function parseKielCsv(text: string, o: KielOptions): LedgerImport {
  const t = parseCsv(text);
  const col = columns(t, kielColumns, kielColumns);
  const out: LedgerImport = { pledges: [], deliveries: [], rejected: [], notes: [] };
  interface Row {
    line: number;
    iso: string;
    month: string;
    flows: Record<(typeof kielColumns)[number], number>;
  }
  const byDonor = new Map<string, Row[]>();
  for (const row of t.rows) {
    if (row.fields.every((f) => f.trim() === '')) continue;
    const cell = (c: string) => (row.fields[valueAt(col, c)] ?? '').trim();
    const iso = cell('iso');
    const year = Number(cell('year'));
    const month = Number(cell('month'));
    const reject = (reason: string) => out.rejected.push({ line: row.line, reason });
    if (!/^[A-Za-z][A-Za-z0-9_.-]{0,40}$/.test(iso)) {
      reject(`iso ${JSON.stringify(iso)} is not a donor code`);
      continue;
    }
    if (!Number.isInteger(year) || year < 1900 || year > 2200 || !Number.isInteger(month) || month < 1 || month > 12) {
      reject(`year ${JSON.stringify(cell('year'))} and month ${JSON.stringify(cell('month'))} do not name a month`);
      continue;
    }
    const flows = {} as Row['flows'];
    let ok = true;
    for (const c of ['total', ...kielCategories, 'commitments', 'to_be_allocated'] as const) {
      const v = cell(c);
      const e = v === '' ? 0 : billionsToEuros(v);
      if (e === undefined) {
        reject(`${c} ${JSON.stringify(v)} is not a non-negative number of EUR billion`);
        ok = false;
        break;
      }
      flows[c] = e;
    }
    if (!ok) continue;
    const parts = flows.financial + flows.humanitarian + flows.military;
    if (Math.abs(parts - flows.total) > tolerance) {
      reject(`total ${cell('total')} is not financial + humanitarian + military (${(parts / 1e9).toFixed(6)})`);
      continue;
    }
    const list = byDonor.get(iso) ?? [];
    if (list.some((r) => r.month === monthText(year, month))) {
      reject(`${iso} ${monthText(year, month)} appears twice`);
      continue;
    }
    list.push({ line: row.line, iso, month: monthText(year, month), flows: { ...flows, year, month } as Row['flows'] });
    byDonor.set(iso, list);
  }

  const form = o.form ?? 'political';
  const source = o.source ?? 'Kiel Ukraine Support Tracker (data explorer)';
  for (const [iso, rows] of [...byDonor].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const by = o.actors?.[iso] ?? iso;
    rows.sort((a, b) => (a.month < b.month ? -1 : 1));
    const chunks: Chunk[] = [];
    const deliveries: { month: string; category: KielCategory; chunk: Chunk; euros: number }[] = [];
    let backlog = 0;
    for (const r of rows) {
      const open =
        r.flows.commitments > 0
          ? { month: r.month, left: r.flows.commitments, drawn: new Map<KielCategory, number>() }
          : undefined;
      const available = backlog + r.flows.commitments;
      if (r.flows.total > available + tolerance) {
        out.rejected.push({
          line: r.line,
          reason: `allocates more than the donor's open commitments (${(r.flows.total / 1e9).toFixed(6)} of ${(available / 1e9).toFixed(6)} EUR bn): the backlog would go below zero`,
        });
        continue;
      }
      if (open) chunks.push(open);
      for (const category of kielCategories) {
        let need = r.flows[category];
        for (const c of chunks) {
          if (need <= 0) break;
          const take = Math.min(need, c.left);
          if (take <= 0) continue;
          c.left -= take;
          need -= take;
          c.drawn.set(category, (c.drawn.get(category) ?? 0) + take);
          deliveries.push({ month: r.month, category, chunk: c, euros: take });
        }
        // Rounding in the file may leave a few euros over: taken from the newest commitment.
        if (need > 0 && chunks.length) {
          const c = itemAt(chunks, chunks.length - 1);
          c.drawn.set(category, (c.drawn.get(category) ?? 0) + need);
          deliveries.push({ month: r.month, category, chunk: c, euros: need });
        }
      }
      backlog = chunks.reduce((n, c) => n + Math.max(0, c.left), 0);
      if (Math.abs(backlog - r.flows.to_be_allocated) > tolerance) {
        out.notes.push({
          line: r.line,
          reason: `to_be_allocated ${(r.flows.to_be_allocated / 1e9).toFixed(6)} differs from the running backlog ${(backlog / 1e9).toFixed(6)} EUR bn`,
        });
      }
    }
    const pledgeId = (c: Chunk, category: KielCategory) => `kiel-${iso}-${c.month}-${category}`;
    const skipped = new Map<KielCategory, number>();
    for (const c of chunks) {
      const parts: [KielCategory, number][] = [...c.drawn];
      if (c.left > 0) parts.push(['to_be_allocated', c.left]);
      for (const [category, euros] of parts) {
        const requirement = o.requirements[category];
        if (!requirement) {
          skipped.set(category, (skipped.get(category) ?? 0) + euros);
          continue;
        }
        out.pledges.push({
          id: pledgeId(c, category),
          by,
          requirement,
          amount: euros,
          currency: 'EUR',
          per: 'once',
          from: c.month,
          form,
          source: `${source}: ${iso} ${c.month}`,
        });
      }
    }
    const merged = new Map<string, { month: string; category: KielCategory; chunk: Chunk; euros: number }>();
    for (const d of deliveries) {
      const k = `${d.month}\n${d.category}\n${d.chunk.month}`;
      const m = merged.get(k);
      if (m) m.euros += d.euros;
      else merged.set(k, { ...d });
    }
    for (const d of merged.values()) {
      if (!o.requirements[d.category]) continue;
      out.deliveries.push({
        id: `kiel-${iso}-${d.month}-${d.category}-from-${d.chunk.month}`,
        by,
        pledge: pledgeId(d.chunk, d.category),
        amount: d.euros,
        currency: 'EUR',
        delivered: `${d.month}-01`,
        source: `${source}: ${iso} ${d.month}`,
      });
    }
    for (const [category, euros] of skipped)
      out.notes.push({
        line: 0,
        reason: `${iso}: ${(euros / 1e9).toFixed(6)} EUR bn of ${category} not imported (no requirement given for ${category})`,
      });
  }
  return out;
}
