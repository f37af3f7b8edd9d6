/** The `guarantor` command: one file per subcommand; this file only assembles them and maps failures to exit codes. */
import { Command, CommanderError } from 'commander';
import { registerCheck } from './check.js';
import { UsageError } from './files.js';
import { toolVersion } from './version.js';

export function buildProgram(): Command {
  const program = new Command('guarantor')
    .description('Specify, test and operate the security guarantees of a ceasefire.')
    .version(toolVersion)
    .exitOverride()
    .showHelpAfterError();
  registerCheck(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? 0 : 2;
      return;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`guarantor: ${e.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw e;
  }
}
