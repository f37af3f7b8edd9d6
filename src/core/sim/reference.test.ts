// docs/simulation.md carries the simulator's own tables (strategies, sensitivity inputs, parameters). This fails when
// the page is stale; `UPDATE_DOCS=1 npx vitest run src/core/sim/reference.test.ts` refreshes it.
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { paramNames } from './params.js';
import { fillReferenceTables } from './reference.js';
import { sensitivityItems } from './sensitivity.js';
import { strategyNames } from './strategies/index.js';

const file = 'docs/simulation.md';

describe('docs/simulation.md', () => {
  it('has current reference tables', () => {
    const page = readFileSync(file, 'utf8');
    const filled = fillReferenceTables(page);
    if (process.env['UPDATE_DOCS']) writeFileSync(file, filled);
    expect(page, `${file} is stale; run UPDATE_DOCS=1 npx vitest run src/core/sim/reference.test.ts`).toBe(filled);
  });

  it('documents every parameter, strategy and sensitivity input, and marks every basis', () => {
    const page = readFileSync(file, 'utf8');
    for (const n of paramNames) expect(page).toContain(`| \`${n}\` |`);
    for (const s of strategyNames) expect(page).toContain(`| \`${s}\` |`);
    for (const i of sensitivityItems) expect(page).toContain(`| \`${i.id}\` |`);
    expect(page).toContain('| `blindable` |');
  });
});
