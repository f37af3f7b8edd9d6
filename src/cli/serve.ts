import type { Command } from 'commander';
import { configFrom, start, type ServeFlags } from '../main.js';
import { describeDb } from '../store/open.js';
import { shared } from './options.js';

export function register(program: Command): void {
  const cmd = program
    .command('serve')
    .description('serve the live API: observations in, incidents, violations and breach cases out')
    .option('--package <file>', 'the guarantee package (or GUARANTOR_PACKAGE)');
  shared(cmd, {
    db: { note: 'created if missing' },
    logKeyFile: {
      note: 'the key itself may be in GUARANTOR_LOG_KEY; created 0600 when missing; default <sqlite file>.log-key; required on PostgreSQL (the same on every server)',
      aliases: ['--log-key'],
    },
  })
    .option('--port <n>', 'TCP port (or PORT); default 8080; 0 picks a free one')
    .option('--host <addr>', 'address to listen on (or HOST); default 127.0.0.1')
    .option(
      '--clock <live|event>',
      'live (default): the system clock; event: a replay server whose clock the replayed events move (guarantor replay --clock event)',
    )
    .action(async (flags: ServeFlags) => {
      const config = configFrom(flags, process.env);
      const running = await start(config);
      const out = process.stdout;
      out.write(
        `guarantor: serving ${config.packagePath} at ${running.url} (store ${describeDb(config.db)}; API docs at ${running.url}/docs)\n`,
      );
      if (config.clock === 'event')
        out.write(
          `guarantor: replay server: the clock starts at the package's effective time and moves only with the replayed events (POST /v1/clock)\n`,
        );
      out.write(
        `guarantor: transparency log key (keep it to check checkpoints: guarantor log verify --log-key): ${(await running.app.inject({ method: 'GET', url: '/v1/log/key' })).body.trim()}\n`,
      );
      out.write(
        `guarantor: dashboard at ${running.url}/${running.bootstrapKey ? `#key=${running.bootstrapKey} (this link signs the browser tab in as admin)` : ' (sign in with an API key)'}\n`,
      );
      if (running.bootstrapKey) {
        out.write(
          `guarantor: no admin key existed, so one was created. It is shown this once and stored only as a hash:\n\n  ${running.bootstrapKey}\n\n`,
        );
        out.write(
          `guarantor: issue other keys with POST /v1/apikeys (Authorization: Bearer <this key>) or \`guarantor apikey new\`.\n`,
        );
      }
      let closing = false;
      const stop = (signal: string) => {
        if (closing) return;
        closing = true;
        process.stderr.write(`guarantor: ${signal}: finishing requests in flight, then closing the store\n`);
        running.close().then(
          () => process.exit(0),
          (e: unknown) => {
            process.stderr.write(`guarantor: error while closing: ${(e as Error).message}\n`);
            process.exit(1);
          },
        );
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
}
