/**
 * `guarantor serve` for profiling (bench/support/cluster-profile.ts): as test/support/serve-child.ts, and on SIGUSR2
 * it prints its store's ingest figures as one JSON line and exits normally, so `--cpu-prof` writes its profile.
 */
import { configFrom, start } from '../../src/main.js';

const [pkg, db] = process.argv.slice(2);
const running = await start(configFrom({ package: pkg!, db: db!, port: '0' }, process.env));
process.on('SIGUSR2', () => {
  const store = running.store as { ingestStats?: unknown; hotWindow?: unknown };
  process.stdout.write(`STATS ${JSON.stringify({ ingest: store.ingestStats, hot: store.hotWindow })}\n`, () =>
    process.exit(0),
  );
});
process.stdout.write(`READY ${running.url}\n`);
