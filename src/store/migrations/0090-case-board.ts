/**
 * The case board (issue 24, docs/dashboard.md): what the dashboard sorts, filters and pages by, as columns, so a
 * store with tens of thousands of cases answers a page without reading every case file. Each case file gains when
 * it was decided, the effect of its outcome, whether any of its responses moved (acknowledged or delivered), and
 * the regions of its evidence (",UA-14,UA-23,"; from the violations as the pipeline located them, at adoption);
 * each response task becomes a row of `case_tasks`, rewritten with its case file. Existing rows are filled here.
 */
import type { Migration } from './migration.js';

const columns = (int: string) => `
ALTER TABLE case_files ADD COLUMN decided_at ${int};
ALTER TABLE case_files ADD COLUMN effect TEXT;
ALTER TABLE case_files ADD COLUMN responding INTEGER NOT NULL DEFAULT 0;
ALTER TABLE case_files ADD COLUMN regions TEXT NOT NULL DEFAULT ',';
CREATE INDEX case_files_declared ON case_files (case_id) WHERE effect = 'declare';

CREATE TABLE case_tasks (
  task_id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL,
  actor TEXT NOT NULL,
  status TEXT NOT NULL,
  urgency INTEGER NOT NULL,
  due_at ${int},
  failed_at ${int},
  doc TEXT NOT NULL
);
CREATE INDEX case_tasks_case ON case_tasks (case_id);
CREATE INDEX case_tasks_order ON case_tasks (urgency, due_at, task_id);
CREATE INDEX case_tasks_actor ON case_tasks (actor, urgency, due_at, task_id);
CREATE INDEX case_tasks_failed ON case_tasks (failed_at, task_id) WHERE failed_at IS NOT NULL;
`;

/** 0: overdue and not delivered; 1: not acknowledged; 2: acknowledged; 3: delivered (src/store/case-board.ts). */
const urgency = (status: string, overdue: string) =>
  `CASE WHEN ${status} = 'delivered' THEN 3 WHEN ${overdue} THEN 0 WHEN ${status} = 'acknowledged' THEN 2 ELSE 1 END`;

export const caseBoard: Migration = {
  id: '0090-case-board',
  sqlite: `${columns('INTEGER')}
UPDATE case_files SET
  decided_at = json_extract(doc, '$.judgment.outcome.at'),
  effect = json_extract(doc, '$.judgment.outcome.effect'),
  responding = EXISTS (SELECT 1 FROM json_each(case_files.doc, '$.tasks') t WHERE json_extract(t.value, '$.status') <> 'open'),
  regions = COALESCE((
    SELECT ',' || group_concat(DISTINCT v.region) || ','
    FROM cases c, json_each(c.doc, '$.evidence') e JOIN violations v ON v.id = json_extract(e.value, '$.violation')
    WHERE c.id = case_files.case_id AND v.region IS NOT NULL), ',');
INSERT INTO case_tasks (task_id, case_id, actor, status, urgency, due_at, failed_at, doc)
SELECT json_extract(t.value, '$.id'), f.case_id, json_extract(t.value, '$.actor'), json_extract(t.value, '$.status'),
  ${urgency("json_extract(t.value, '$.status')", "json_extract(t.value, '$.overdue')")},
  json_extract(t.value, '$.dueAt'), json_extract(t.value, '$.failure.at'), t.value
FROM case_files f, json_each(f.doc, '$.tasks') t;
`,
  postgres: `${columns('BIGINT')}
UPDATE case_files f SET
  decided_at = (doc->'judgment'->'outcome'->>'at')::bigint,
  effect = doc->'judgment'->'outcome'->>'effect',
  responding = CASE WHEN EXISTS (SELECT 1 FROM jsonb_array_elements(f.doc->'tasks') t WHERE t->>'status' <> 'open') THEN 1 ELSE 0 END,
  regions = COALESCE((
    SELECT ',' || string_agg(DISTINCT v.region, ',') || ','
    FROM cases c CROSS JOIN jsonb_array_elements(c.doc::jsonb->'evidence') e JOIN violations v ON v.id = e->>'violation'
    WHERE c.id = f.case_id AND v.region IS NOT NULL), ',');
INSERT INTO case_tasks (task_id, case_id, actor, status, urgency, due_at, failed_at, doc)
SELECT t->>'id', f.case_id, t->>'actor', t->>'status',
  ${urgency("t->>'status'", "(t->>'overdue')::boolean")},
  (t->>'dueAt')::bigint, (t->'failure'->>'at')::bigint, t::text
FROM case_files f CROSS JOIN jsonb_array_elements(f.doc->'tasks') t;
`,
};
