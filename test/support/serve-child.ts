/**
 * A real `guarantor serve` in a child process for crash tests: `node --import tsx test/support/serve-child.ts
 * PACKAGE DB`. Listens on a free port and prints `READY <url>` when it accepts requests.
 */
import { configFrom, start } from '../../src/main.js';

const [pkg, db] = process.argv.slice(2);
const running = await start(configFrom({ package: pkg!, db: db!, port: '0' }, process.env));
process.stdout.write(`READY ${running.url}\n`);
// SIGTERM closes the server before exiting, so `--cpu-prof` writes its profiles (the main thread's and the writer's).
process.once('SIGTERM', () => void running.close().finally(() => process.exit(0)));
