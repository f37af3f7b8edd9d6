/** SARIF 2.1.0 (OASIS), so code-scanning tools can show package findings inline. */
import type { Diagnostic } from '../diagnostic.js';
import { catalogue } from '../catalogue.js';

const level = { error: 'error', warning: 'warning', info: 'note' } as const;

/**
 * `helpBase` is the absolute URL of the directory holding the diagnostic pages (`docs/diagnostics/`, ending in `/`):
 * SARIF requires `helpUri` to be an absolute URI.
 */
export function renderSarif(diagnostics: readonly Diagnostic[], toolVersion: string, helpBase: string): string {
  const used = [...new Set(diagnostics.map((d) => d.code))];
  const rules = catalogue.filter((c) => used.includes(c.code));
  const ruleIndex = new Map(rules.map((r, i) => [r.code, i]));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'guarantor',
            version: toolVersion,
            informationUri: 'https://guarantor.invalid/',
            rules: rules.map((r) => ({
              id: r.code,
              name: r.name,
              shortDescription: { text: r.message.replace(/\{[a-zA-Z]+\}/g, '…') },
              help: { text: r.help },
              helpUri: new URL(`${r.code}.md`, helpBase).href,
              defaultConfiguration: { level: level[r.severity] },
              properties: { phase: r.phase },
            })),
          },
        },
        results: diagnostics.map((d) => ({
          ruleId: d.code,
          ruleIndex: ruleIndex.get(d.code),
          level: level[d.severity],
          message: { text: d.message },
          locations: [location(d.file, d.span)],
          relatedLocations: d.related.map((r, i) => ({
            id: i,
            ...location(r.file, r.span),
            message: { text: r.message },
          })),
        })),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

function location(file: string, span: Diagnostic['span']) {
  return {
    physicalLocation: {
      artifactLocation: { uri: file.replace(/\\/g, '/') },
      region: {
        startLine: span.start.line,
        startColumn: span.start.column,
        endLine: span.end.line,
        endColumn: span.end.column,
      },
    },
  };
}
