// Preloaded into a server by forwarder-cpu.ts: counts the statements it sends (their first 70 characters); SIGUSR2
// starts over, SIGINT writes the counts to GUARANTOR_QUERY_COUNTS and exits.
import { writeFileSync } from 'node:fs';
import pg from 'pg';

const counts = new Map();
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (q, ...rest) {
  const text = (typeof q === 'string' ? q : (q?.text ?? '?')).replace(/\s+/g, ' ').slice(0, 70);
  counts.set(text, (counts.get(text) ?? 0) + 1);
  return query.call(this, q, ...rest);
};
process.on('SIGUSR2', () => counts.clear());
process.on('SIGINT', () => {
  const lines = [...counts].sort((a, b) => b[1] - a[1]).map(([t, n]) => `${n}\t${t}`);
  writeFileSync(process.env.GUARANTOR_QUERY_COUNTS, lines.join('\n') + '\n');
  process.exit(0);
});
