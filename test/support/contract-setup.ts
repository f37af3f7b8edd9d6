/**
 * Every app a test builds checks its responses against its own OpenAPI document (src/server/contract.ts): a status,
 * content type or JSON body the document does not declare fails the test that caused it.
 */
import { appendFileSync } from 'node:fs';
import { afterEach, expect, vi } from 'vitest';
import type { ContractProblem } from '../../src/server/contract.js';

const problems: ContractProblem[] = [];

vi.mock('../../src/server/app.js', async (importOriginal) => {
  const m = await importOriginal<typeof import('../../src/server/app.js')>();
  return {
    ...m,
    buildApp: (deps: Parameters<typeof m.buildApp>[0]) =>
      m.buildApp({ ...deps, contract: deps.contract ?? ((p) => problems.push(p)) }),
  };
});

afterEach(() => {
  const found = problems.splice(0);
  // GUARANTOR_CONTRACT_LOG=FILE collects every problem of a run in one file, to fix them route by route.
  const log = process.env['GUARANTOR_CONTRACT_LOG'];
  if (log) for (const p of found) appendFileSync(log, `${JSON.stringify(p)}\n`);
  expect(found, 'responses the OpenAPI document does not declare (src/server/contract.ts)').toEqual([]);
});
