/**
 * The reference tables of docs/simulation.md (model parameters, sensitivity inputs, strategy options), rendered from
 * the code's own tables so the documentation cannot drift: a test compares them with the page.
 */
import * as z from 'zod';
import { DAY, formatDuration } from '../spec/units.js';
import { blindableBasis, defaultBlindable, paramNames, paramSpecs, type ParamName } from './params.js';
import { sensitivityItems } from './sensitivity.js';
import { strategies, strategyNames } from './strategies/index.js';
import { itemAt } from '../item-at.js';

const cell = (s: string) => s.replace(/\|/g, '\\|');

function value(name: ParamName, v: number): string {
  switch (paramSpecs[name].kind) {
    case 'duration':
      return formatDuration(v * DAY);
    case 'distance':
      return `${v}km`;
    case 'speed':
      return `${v}km/d`;
    default:
      return String(v);
  }
}

export function parameterTable(): string {
  const rows = ['| parameter | default | range (tornado) | meaning | basis |', '|---|---:|---|---|---|'];
  for (const n of paramNames) {
    const s = paramSpecs[n];
    rows.push(
      `| \`${n}\` | ${value(n, s.default)} | ${value(n, s.low)} to ${value(n, s.high)} | ${cell(s.description)} | ${cell(s.basis)} |`,
    );
  }
  rows.push(
    `| \`blindable\` | ${defaultBlindable.join(', ')} | (not varied) | Source kinds that denial of access and jamming degrade | ${cell(blindableBasis)} |`,
  );
  return rows.join('\n');
}

export function sensitivityTable(): string {
  const rows = ['| input | kind | what moves | low end | high end |', '|---|---|---|---|---|'];
  for (const item of sensitivityItems) {
    const spec = item.kind === 'parameter' ? paramSpecs[item.id as ParamName] : undefined;
    const relative = item.id === 'advance-rate' || item.id === 'national-decision';
    const ends = spec
      ? relative
        ? { low: 'half the package value', high: 'twice the package value' }
        : { low: value(item.id as ParamName, spec.low), high: value(item.id as ParamName, spec.high) }
      : itemAt(clauseEnds, item.id);
    rows.push(`| \`${item.id}\` | ${item.kind} | ${cell(item.label)} | ${ends.low} | ${ends.high} |`);
  }
  return rows.join('\n');
}

const clauseEnds: Record<string, { low: string; high: string }> = {
  'judgment.deadline': { low: 'halved', high: 'doubled' },
  'judgment.on-deadline': { low: 'dismiss', high: 'declare' },
  'triggers.evidence': { low: 'one fewer source (at least 1)', high: 'one more source' },
  'triggers.count': { low: 'one fewer event', high: 'one more event' },
  'triggers.depth': { low: 'halved', high: 'doubled' },
  'verification.detects': { low: '-0.1', high: '+0.1' },
  'verification.latency': { low: 'halved', high: 'doubled' },
  'responses.within': { low: 'halved', high: 'doubled' },
  'responses.automatic': { low: 'none automatic', high: 'all automatic' },
};

export function strategyTable(): string {
  const rows = ['| strategy | what it does | options (default) |', '|---|---|---|'];
  for (const name of strategyNames) {
    const mod = itemAt(strategies, name);
    const shape = (mod.options as unknown as z.ZodObject).shape as Record<string, z.ZodType>;
    const defaults = mod.options.parse({}) as Record<string, unknown>;
    const opts = Object.keys(shape).map((k) => {
      const d = defaults[k];
      const shown = typeof d === 'number' && /days|every/.test(k) && d >= DAY ? formatDuration(d) : String(d);
      const desc = (z.globalRegistry.get(itemAt(shape, k)) as { description?: string } | undefined)?.description ?? '';
      return `\`${k}\` (${shown}): ${cell(desc)}`;
    });
    rows.push(`| \`${name}\` | ${cell(mod.summary)} | ${opts.join('<br>') || 'none'} |`);
  }
  return rows.join('\n');
}

/** The page with each `<!-- NAME:begin -->...<!-- NAME:end -->` block replaced by its current table. */
export function fillReferenceTables(page: string): string {
  const tables: Record<string, () => string> = {
    strategies: strategyTable,
    sensitivity: sensitivityTable,
    parameters: parameterTable,
  };
  return page.replace(/<!-- (\w+):begin -->[\s\S]*?<!-- \1:end -->/g, (m, name: string) =>
    tables[name] ? `<!-- ${name}:begin -->\n${itemAt(tables, name)()}\n<!-- ${name}:end -->` : m,
  );
}
