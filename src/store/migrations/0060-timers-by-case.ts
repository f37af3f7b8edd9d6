/**
 * Timers by case: a timer pass claims cases, then reads their due timers and every key they ever scheduled (so a
 * created timer whose key exists is not fired again) by case id.
 */
import type { Migration } from './migration.js';

export const timersByCase: Migration = {
  id: '0060-timers-by-case',
  sqlite: `CREATE INDEX timers_case ON timers (case_id);`,
  postgres: `CREATE INDEX timers_case ON timers (case_id);`,
};
