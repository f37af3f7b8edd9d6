/**
 * Hedge wording in the quoted text of a clause: phrases that turn an obligation into a discretion. The list is the
 * drafting language the historical library shows doing that work: "seek" (Budapest Memorandum para 4), "such action
 * as it deems necessary" (North Atlantic Treaty Art. 5), and the usual "appropriate measures" and "best efforts"; and from the wider library "as necessary", "at the request of", "will be
 * prepared to consider" and "intend(s) to" (issue 20).
 */
import { edit } from '../fixes.js';
import type { Dimension, Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { itemAt } from '../../item-at.js';

/** Longest first, so that "as it deems necessary" wins over "deems necessary". */
export const hedges: readonly string[] = [
  'as it deems necessary',
  'as they deem necessary',
  'as it deems appropriate',
  'as they deem appropriate',
  'will be prepared to consider',
  'be prepared to consider',
  'at the request of',
  'to the extent possible',
  'appropriate measures',
  'deems necessary',
  'deem necessary',
  'best endeavours',
  'best endeavors',
  'best efforts',
  'as necessary',
  'intends to',
  'intend to',
  'where possible',
  'if necessary',
  'as appropriate',
  'endeavour',
  'endeavor',
  'seek',
  'seeks',
];

const patterns = hedges.map((h) => ({ phrase: h, re: new RegExp(`\\b${h.replace(/ /g, '\\s+')}\\b`, 'i') }));

const dimensionOf: Record<string, Dimension> = {
  prohibitions: 'trigger',
  triggers: 'trigger',
  judgment: 'judgment',
  responses: 'response',
  verification: 'verification',
  control: 'control',
  zones: 'control',
  sustainment: 'sustainment',
};

export function hedgeIn(text: string): string | undefined {
  for (const p of patterns) if (p.re.test(text)) return p.phrase;
  return undefined;
}

function describeClause(path: (string | number)[]): string {
  const p = path.slice(0, -1);
  if (p[0] === 'responses') return `the \`${String(p[1])}\` response ${Number(p[2]) + 1}`;
  if (p[0] === 'sustainment' && p[1] === 'commitments') return `commitment ${Number(p[2]) + 1}`;
  if (p.length >= 2) return `${String(p[0]).replace(/s$/, '')} \`${String(p[1])}\``;
  return `\`${String(p[0] ?? 'package')}\``;
}

export const hedgeWording: Rule = {
  name: 'hedge-wording',
  codes: ['hedge-wording'],
  check({ model }) {
    const out: Finding[] = [];
    const walk = (x: unknown, path: (string | number)[]) => {
      if (Array.isArray(x)) x.forEach((v, i) => walk(v, [...path, i]));
      else if (x && typeof x === 'object') {
        for (const [k, v] of Object.entries(x)) {
          if (k === 'text' && typeof v === 'string') {
            const phrase = hedgeIn(v);
            if (!phrase) continue;
            const at = [...path, k];
            out.push({
              code: 'hedge-wording',
              path: at,
              args: { phrase, clause: describeClause(at) },
              dimension: dimensionOf[String(path[0])] ?? 'trigger',
              fix: {
                description: `Replace "${phrase}" in ${describeClause(at)} with an operational obligation`,
                apply: (m) =>
                  edit(m, (y) => {
                    let node: unknown = y;
                    for (const seg of path) node = (node as Record<string | number, unknown>)[seg];
                    const obj = node as Record<string, string>;
                    obj['text'] = itemAt(obj, 'text').replace(
                      new RegExp(`\\b${phrase.replace(/ /g, '\\s+')}\\b`, 'gi'),
                      '[operational obligation]',
                    );
                  }),
              },
            });
          } else if (typeof v === 'object') walk(v, [...path, k]);
        }
      }
    };
    walk(model, []);
    return out;
  },
};
