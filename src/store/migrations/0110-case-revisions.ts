/**
 * Case revisions (issue 22): a case's content follows the qualifying violations of its window as they arrive, so a
 * revised case replaces its row in `cases` and the revision it supersedes moves here, with its salt, as incident and
 * violation revisions do. Each revision is logged (`<case>/opened` for the first, `<case>/revision/<n>` after).
 */
import type { Migration } from './migration.js';

const table = (serial: string) => `
CREATE TABLE case_revisions (
  seq ${serial} PRIMARY KEY,
  id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  doc TEXT NOT NULL,
  salt TEXT
);
CREATE UNIQUE INDEX case_revisions_id ON case_revisions (id, revision);
`;

export const caseRevisions: Migration = {
  id: '0110-case-revisions',
  sqlite: table('INTEGER'),
  postgres: table('BIGSERIAL'),
};
