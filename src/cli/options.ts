/**
 * The CLI's shared vocabulary (docs/cli.md): one flag per meaning, declared here once. `--url` is a server,
 * `--api-key` (or GUARANTOR_API_KEY) an API key, `--log-key` the transparency log's public key, `--log-key-file`
 * (or GUARANTOR_LOG_KEY_FILE) its private key file, `--member-key` a member's private signing key, `--witness-key` a
 * witness's private key file, `--db` a database (or DATABASE_URL). A command takes the ones it needs with `shared`.
 *
 * Old names (`--to`, `--key` in its four meanings, `--log-key` where it meant the private key file, GUARANTOR_KEY)
 * still work for one release as hidden aliases: not in --help, and each use prints a one-line deprecation note on
 * stderr.
 */
import { existsSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { UsageError } from './usage-error.js';

export type SharedName = 'url' | 'apiKey' | 'logKey' | 'logKeyFile' | 'memberKey' | 'witnessKey' | 'db';

interface Definition {
  flags: string;
  description: string;
  env?: string;
}

/** The vocabulary. */
export const vocabulary: Record<SharedName, Definition> = {
  url: { flags: '--url <url>', description: 'the server, e.g. http://localhost:8080' },
  apiKey: { flags: '--api-key <key>', description: 'an API key (gk_…)', env: 'GUARANTOR_API_KEY' },
  logKey: { flags: '--log-key <file|vkey>', description: "the transparency log's public key (GET /v1/log/key)" },
  logKeyFile: {
    flags: '--log-key-file <file>',
    description: "the transparency log's private key file",
    env: 'GUARANTOR_LOG_KEY_FILE',
  },
  memberKey: { flags: '--member-key <file>', description: 'your private signing key (PEM, from `guarantor keys new`)' },
  witnessKey: { flags: '--witness-key <file>', description: "this witness's private key file" },
  db: {
    flags: '--db <path|url>',
    description: 'a SQLite file or postgres://user@host/db[?schema=name]; default data/guarantor.db',
    env: 'DATABASE_URL',
  },
};

export interface Use {
  required?: boolean;
  /** What the option is for in this command, after the shared description. */
  note?: string;
  /** Old flags that mean this option in this command, kept for one release: `--to`, `-k, --key`. */
  aliases?: string[];
}

const flagOf = (name: SharedName) => vocabulary[name].flags.replace(/ .*/s, '');

/** Adds the shared options to a command, with their hidden aliases, and resolves them before its action. */
export function shared(cmd: Command, uses: Partial<Record<SharedName, Use>>): Command {
  const aliasOf = new Map<string, { name: SharedName; flag: string }>();
  for (const [name, use] of Object.entries(uses) as [SharedName, Use][]) {
    const d = vocabulary[name];
    const o = new Option(d.flags, [d.description, use.note].filter(Boolean).join('; '));
    // DATABASE_URL is read where the database is opened (`dbOf`), so that it never conflicts with an explicit --url.
    if (d.env && name !== 'db') o.env(d.env);
    cmd.addOption(o);
    for (const a of use.aliases ?? []) {
      const alias = new Option(`${a} <${name}>`).hideHelp();
      cmd.addOption(alias);
      aliasOf.set(alias.attributeName(), { name, flag: a.split(/[ ,]+/).at(-1) ?? a });
    }
  }
  cmd.hook('preAction', (_parent, action) => {
    if (action !== cmd) return;
    const o = cmd.opts<Record<string, string | undefined>>();
    for (const [alias, { name, flag }] of aliasOf) {
      const value = o[alias];
      if (value === undefined) continue;
      warn(
        `${flag} is deprecated${flag === '--log-key' ? ' here' : ''}; use ${flagOf(name)} (the old name goes in the next release)`,
      );
      const source = cmd.getOptionValueSource(name);
      if (source === 'cli' && o[name] !== value)
        throw new UsageError(`${flag} and ${flagOf(name)} say different things; give ${flagOf(name)} only`);
      cmd.setOptionValueWithSource(name, value, 'cli');
    }
    if (uses.apiKey && o['apiKey'] === undefined && process.env['GUARANTOR_KEY']) {
      warn('GUARANTOR_KEY is deprecated; set GUARANTOR_API_KEY (the old name goes in the next release)');
      cmd.setOptionValueWithSource('apiKey', process.env['GUARANTOR_KEY'], 'env');
    }
    for (const [name, use] of Object.entries(uses) as [SharedName, Use][])
      if (use.required && cmd.opts()[name] === undefined && !(name === 'db' && process.env['DATABASE_URL']))
        throw new UsageError(
          `${flagOf(name)} is required: ${vocabulary[name].description}${vocabulary[name].env ? ` (or ${vocabulary[name].env})` : ''}`,
        );
  });
  return cmd;
}

function warn(line: string): void {
  process.stderr.write(`guarantor: ${line}\n`);
}

/** The database a command reads (`--db`, else DATABASE_URL, else data/guarantor.db). */
export function dbOf(o: { db?: string }, env: Record<string, string | undefined> = process.env): string {
  return o.db ?? env['DATABASE_URL'] ?? 'data/guarantor.db';
}

/**
 * A database a command reads must exist: opening a missing SQLite file would create an empty one and answer from it
 * as if nothing had happened (PostgreSQL is reached by URL; its own errors name what is missing).
 */
export function existingDb(db: string): string {
  if (!/^postgres(ql)?:\/\//i.test(db) && db !== ':memory:' && !existsSync(db))
    throw new UsageError(
      `no database at ${db}: give --db (or DATABASE_URL) the file a server runs on (\`guarantor serve --db ${db}\` creates it)`,
    );
  return db;
}

/** Counted nouns: `plural(1, 'operator')` is "1 operator", `plural(2, 'entry', 'entries')` "2 entries". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;
}

/** "a" or "an" before a word: "an analyst key", "a monitor key". */
export function article(word: string): string {
  return /^[aeiou]/i.test(word) ? `an ${word}` : `a ${word}`;
}
