// docs/validity.md holds the table `npm run validity` prints; this keeps the page true to the library and the model.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { baselineTable, validityTable } from '../scripts/validity.js';

describe('docs/validity.md', () => {
  it('shows the table and the discrimination figure the library scores to today', () => {
    expect(readFileSync('docs/validity.md', 'utf8')).toContain(validityTable());
  });
  it("shows the war baseline's table and figure, apart from the scorecard", () => {
    expect(readFileSync('docs/validity.md', 'utf8')).toContain(baselineTable());
  });
});
