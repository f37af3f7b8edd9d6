/**
 * The `guarantor` command. Each subcommand lives in its own file exporting `register(program)`; only the module of
 * the subcommand being run is imported, so `guarantor check` never pays for loading the server or the simulator.
 */
import { Command, CommanderError } from 'commander';
import { InputError } from '../input-error.js';
import { toolVersion } from '../version.js';
import { itemAt } from '../core/item-at.js';

type Registrar = (program: Command) => void;

/** Subcommand name -> its module. Add one line per command. */
const commands: Record<string, () => Promise<{ register: Registrar }>> = {
  check: () => import('./check.js'),
  simulate: () => import('./simulate.js'),
  calibrate: () => import('./calibrate.js'),
  explain: () => import('./explain.js'),
  compare: () => import('./compare.js'),
  replay: () => import('./replay.js'),
  serve: () => import('./serve.js'),
  apikey: () => import('./apikey.js'),
  keys: () => import('./keys.js'),
  vote: () => import('./vote.js'),
  log: () => import('./log.js'),
  witness: () => import('./witness.js'),
  report: () => import('./report.js'),
  export: () => import('./export.js'),
  ledger: () => import('./ledger.js'),
};

export async function buildProgram(only?: string): Promise<Command> {
  const program = new Command('guarantor')
    .description('Specify, test and operate the security guarantees of a ceasefire.')
    .version(toolVersion)
    .exitOverride()
    .showHelpAfterError();
  const names = only !== undefined && only in commands ? [only] : Object.keys(commands);
  for (const name of names) (await itemAt(commands, name)()).register(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    const program = await buildProgram(argv[2]);
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? 0 : 2;
      return;
    }
    if (e instanceof InputError) {
      process.stderr.write(`guarantor: ${e.message}\n`);
      process.exitCode = e.exitCode;
      return;
    }
    throw e;
  }
}
