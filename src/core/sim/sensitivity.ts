/**
 * The tornado: each model parameter or package clause moved, one at a time, to both ends of a documented range,
 * with every other input held and the same random numbers reused (common random numbers), so the change in the
 * collapse share is the effect of that one input and not noise between two independent samples.
 */
import type { Package } from '../spec/schema.js';
import { DAY, formatDuration } from '../spec/units.js';
import { paramSpecs, type ModelParams, type ParamName } from './params.js';
import { itemAt, present } from '../item-at.js';
import { thirdPartyPresence } from './presence.js';

export type End = 'low' | 'high';

export interface SensitivityItem {
  id: string;
  kind: 'parameter' | 'clause';
  label: string;
  /** How each end is described, given the base inputs; undefined when the item does not apply to this package. */
  describe(pkg: Package, params: ModelParams): { low: string; high: string } | undefined;
  apply(pkg: Package, params: ModelParams, end: End): { pkg: Package; params: ModelParams };
}

const fmtParam = (name: ParamName, v: number): string => {
  const k = paramSpecs[name].kind;
  if (k === 'duration') return formatDuration(v * DAY);
  if (k === 'distance') return `${round(v)} km`;
  if (k === 'speed') return `${round(v)} km/d`;
  return String(round(v));
};
const round = (x: number) => Math.round(x * 100) / 100;

function paramItem(
  name: ParamName,
  relative = false,
  applies: (pkg: Package) => boolean = () => true,
): SensitivityItem {
  const spec = paramSpecs[name];
  const ends = (params: ModelParams): [number, number] =>
    relative ? [params[name] * 0.5, params[name] * 2] : [spec.low, spec.high];
  return {
    id: name,
    kind: 'parameter',
    label: itemAt(spec.description.split(';'), 0).trim(),
    describe: (pkg, params) => {
      if (!applies(pkg)) return undefined;
      const [lo, hi] = ends(params);
      return { low: fmtParam(name, lo), high: fmtParam(name, hi) };
    },
    apply: (pkg, params, end) => {
      const [lo, hi] = ends(params);
      return { pkg, params: { ...params, [name]: end === 'low' ? lo : hi } };
    },
  };
}

function clauseItem(
  id: string,
  label: string,
  applies: (pkg: Package) => boolean,
  ends: { low: string; high: string },
  edit: (pkg: Package, end: End) => void,
): SensitivityItem {
  return {
    id,
    kind: 'clause',
    label,
    describe: (pkg) => (applies(pkg) ? ends : undefined),
    apply: (pkg, params, end) => {
      const copy = structuredClone(pkg);
      edit(copy, end);
      return { pkg: copy, params };
    },
  };
}

const triggers = (p: Package) => Object.values(p.triggers);
const sources = (p: Package) => Object.values(p.verification);
const responses = (p: Package) => Object.values(p.responses).flat();

/** The items, in the order the documentation lists them. */
export const sensitivityItems: readonly SensitivityItem[] = [
  clauseItem(
    'judgment.deadline',
    'Judgment deadline',
    (p) => p.judgment?.deadline !== undefined,
    { low: 'halved', high: 'doubled' },
    (p, end) => {
      const j = present(p.judgment, 'judgment');
      j.deadline = present(j.deadline, 'judgment.deadline') * (end === 'low' ? 0.5 : 2);
    },
  ),
  clauseItem(
    'judgment.on-deadline',
    'What happens when the judgment deadline passes',
    (p) => p.judgment?.deadline !== undefined,
    { low: 'dismiss', high: 'declare' },
    (p, end) => {
      present(p.judgment, 'judgment')['on-deadline'] = end === 'low' ? 'dismiss' : 'declare';
    },
  ),
  clauseItem(
    'triggers.evidence',
    'Independent sources every trigger demands',
    (p) => triggers(p).length > 0,
    { low: 'one fewer (at least 1)', high: 'one more' },
    (p, end) => {
      for (const t of triggers(p)) {
        const k = t.evidence?.['independent-sources'] ?? 1;
        t.evidence = { ...t.evidence, 'independent-sources': end === 'low' ? Math.max(1, k - 1) : k + 1 };
      }
    },
  ),
  clauseItem(
    'triggers.count',
    'Events every counting trigger needs in its window',
    (p) => triggers(p).some((t) => (t.count ?? 1) > 1),
    { low: 'one fewer', high: 'one more' },
    (p, end) => {
      for (const t of triggers(p)) if (t.count !== undefined && t.count > 1) t.count += end === 'low' ? -1 : 1;
    },
  ),
  clauseItem(
    'triggers.depth',
    'Depth of advance that meets a depth trigger',
    (p) => triggers(p).some((t) => t.depth !== undefined),
    { low: 'halved', high: 'doubled' },
    (p, end) => {
      for (const t of triggers(p)) if (t.depth !== undefined) t.depth *= end === 'low' ? 0.5 : 2;
    },
  ),
  clauseItem(
    'verification.detects',
    'Detection probability of every source',
    (p) => sources(p).length > 0,
    { low: '-0.1', high: '+0.1' },
    (p, end) => {
      for (const s of sources(p)) {
        for (const a of Object.keys(s.detects) as (keyof typeof s.detects)[]) {
          s.detects[a] = Math.min(1, Math.max(0, itemAt(s.detects, a) + (end === 'low' ? -0.1 : 0.1)));
        }
      }
    },
  ),
  clauseItem(
    'verification.latency',
    'Reporting latency of every source',
    (p) => sources(p).length > 0,
    { low: 'halved', high: 'doubled' },
    (p, end) => {
      for (const s of sources(p)) s.latency *= end === 'low' ? 0.5 : 2;
    },
  ),
  clauseItem(
    'responses.within',
    'Time allowed for every response action',
    (p) => responses(p).some((r) => r.within !== undefined),
    { low: 'halved', high: 'doubled' },
    (p, end) => {
      for (const r of responses(p)) if (r.within !== undefined) r.within *= end === 'low' ? 0.5 : 2;
    },
  ),
  clauseItem(
    'responses.automatic',
    'Responses automatic or needing a national decision',
    (p) => responses(p).length > 0,
    { low: 'none automatic', high: 'all automatic' },
    (p, end) => {
      for (const r of responses(p)) r.automatic = end === 'high';
    },
  ),
  paramItem('advance-rate', true),
  paramItem('national-decision', true),
  // Defaults that stand in for what a package does not say (docs/simulation.md, Unstated is not stated).
  paramItem('default-within', false, (p) => responses(p).some((r) => r.within === undefined)),
  // The stand-in report matters only where something answers what it sees.
  paramItem('victim-report', false, (p) => responses(p).length > 0),
  paramItem('member-declare'),
  paramItem('auto-on-time'),
  paramItem('national-on-time'),
  paramItem('lapse-political'),
  paramItem('lapse-executive'),
  paramItem('shortfall-weight'),
  paramItem('embolden'),
  paramItem('deter'),
  paramItem('deterrence-weight'),
  paramItem('peacekeeping', false, (p) => thirdPartyPresence(p).length > 0),
  paramItem('collapse-depth'),
  paramItem('defence-halt'),
  paramItem('offensive-days'),
  paramItem('blind-factor'),
  paramItem('attribution'),
];

/**
 * One item per clause of this package (opt-in: `sensitivity: { per-clause: true }`): each trigger's evidence, count
 * and depth, each severity's responses (automatic, time allowed), each source's detection and latency, each moved
 * over the same range as its aggregate item, so the tornado names the clause to negotiate.
 */
export function clauseItems(pkg: Package): SensitivityItem[] {
  const out: SensitivityItem[] = [];
  for (const [id, t] of Object.entries(pkg.triggers)) {
    out.push(
      clauseItem(
        `triggers.${id}.evidence`,
        `Independent sources trigger \`${id}\` demands`,
        () => true,
        { low: 'one fewer (at least 1)', high: 'one more' },
        (p, end) => {
          const tr = itemAt(p.triggers, id);
          const k = tr.evidence?.['independent-sources'] ?? 1;
          tr.evidence = { ...tr.evidence, 'independent-sources': end === 'low' ? Math.max(1, k - 1) : k + 1 };
        },
      ),
    );
    if ((t.count ?? 1) > 1)
      out.push(
        clauseItem(
          `triggers.${id}.count`,
          `Events trigger \`${id}\` needs in its window`,
          () => true,
          { low: 'one fewer', high: 'one more' },
          (p, end) => {
            const t = itemAt(p.triggers, id);
            t.count = present(t.count, `triggers.${id}.count`) + (end === 'low' ? -1 : 1);
          },
        ),
      );
    if (t.depth !== undefined)
      out.push(
        clauseItem(
          `triggers.${id}.depth`,
          `Depth of advance that meets trigger \`${id}\``,
          () => true,
          { low: 'halved', high: 'doubled' },
          (p, end) => {
            const t = itemAt(p.triggers, id);
            t.depth = present(t.depth, `triggers.${id}.depth`) * (end === 'low' ? 0.5 : 2);
          },
        ),
      );
  }
  for (const [sev, list] of Object.entries(pkg.responses)) {
    if (list.length === 0) continue;
    out.push(
      clauseItem(
        `responses.${sev}.automatic`,
        `Responses to \`${sev}\` automatic or needing a national decision`,
        () => true,
        { low: 'none automatic', high: 'all automatic' },
        (p, end) => {
          for (const r of itemAt(p.responses, sev)) r.automatic = end === 'high';
        },
      ),
    );
    if (list.some((r) => r.within !== undefined))
      out.push(
        clauseItem(
          `responses.${sev}.within`,
          `Time allowed for the responses to \`${sev}\``,
          () => true,
          { low: 'halved', high: 'doubled' },
          (p, end) => {
            for (const r of itemAt(p.responses, sev)) if (r.within !== undefined) r.within *= end === 'low' ? 0.5 : 2;
          },
        ),
      );
  }
  for (const id of Object.keys(pkg.verification)) {
    out.push(
      clauseItem(
        `verification.${id}.detects`,
        `Detection probability of source \`${id}\``,
        () => true,
        { low: '-0.1', high: '+0.1' },
        (p, end) => {
          const s = itemAt(p.verification, id);
          for (const a of Object.keys(s.detects) as (keyof typeof s.detects)[])
            s.detects[a] = Math.min(1, Math.max(0, itemAt(s.detects, a) + (end === 'low' ? -0.1 : 0.1)));
        },
      ),
      clauseItem(
        `verification.${id}.latency`,
        `Reporting latency of source \`${id}\``,
        () => true,
        { low: 'halved', high: 'doubled' },
        (p, end) => {
          itemAt(p.verification, id).latency *= end === 'low' ? 0.5 : 2;
        },
      ),
    );
  }
  return out;
}

/** Every item this package offers: the aggregate ones and one per clause. */
export function allItems(pkg: Package): SensitivityItem[] {
  return [...sensitivityItems, ...clauseItems(pkg)];
}

export function sensitivityItem(id: string, pkg: Package): SensitivityItem | undefined {
  return sensitivityItems.find((i) => i.id === id) ?? clauseItems(pkg).find((i) => i.id === id);
}
