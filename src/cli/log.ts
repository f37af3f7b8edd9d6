/**
 * `guarantor log verify` and `guarantor log audit` (docs/tlog.md, "CLI"). Exit codes: 0 clean, 1 tampering (a fork,
 * a rollback, a bad signature, a changed or deleted record), 2 usage or I/O (including an unreachable server), 3 a
 * --log-key that is not the log's key (`WrongLogKey`).
 *
 *     guarantor log verify --url URL --log-key server.pub [--package FILE] [--witness KEY]... [--quorum N] [--state FILE]
 *     guarantor log verify-votes --url URL --log-key server.pub [--api-key KEY]
 *     guarantor log audit --db PATH|URL [--log-key server.pub] [--witness KEY]... [--witness-state FILE|URL]...
 *                         [--package FILE] [--json]
 *     guarantor log key [--log-key-file FILE | --db PATH]
 *     guarantor log rotate-key [--db PATH|URL] [--log-key-file FILE]
 */
import { existsSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import type { Command } from 'commander';
import { SIG_COSIGNATURE_V1, SIG_ED25519, parseVkey, type Verifier } from '../core/tlog/index.js';
import { UsageError, WrongLogKey } from './usage-error.js';
import { dbOf, existingDb, plural, shared } from './options.js';
import { verifyLog, type VerifyState } from './log-verify.js';
import type { Fetch } from './api-client.js';
import type { WitnessAnchor } from '../store/log-audit.js';

/** A vkey given inline or as a file holding one (the first non-empty line). */
export function readVkey(arg: string, type: number, what: string): Verifier {
  let text = arg.trim();
  if (!text.includes('+') || existsSync(arg)) {
    try {
      text =
        readFileSync(arg, 'utf8')
          .split('\n')
          .map((l) => l.trim())
          .find((l) => l.length > 0) ?? '';
    } catch (e) {
      throw new UsageError(`${what}: cannot read ${arg}: ${(e as Error).message}`);
    }
  }
  const v = parseVkey(text);
  if (!v.ok) throw new UsageError(`${what}: ${v.error.message}`);
  if (v.verifier.type !== type)
    throw new UsageError(
      `${what}: expected a ${type === SIG_ED25519 ? 'log (Ed25519, type 0x01)' : 'witness (cosignature/v1, type 0x04)'} vkey`,
    );
  return v.verifier;
}

function readState(path: string | undefined): VerifyState | undefined {
  if (!path || !existsSync(path)) return undefined;
  try {
    const s = JSON.parse(readFileSync(path, 'utf8')) as VerifyState;
    if (s.version !== 1 || typeof s.size !== 'number' || typeof s.root !== 'string' || !Array.isArray(s.frontier))
      throw new Error('not a guarantor log state file (version 1)');
    return s;
  } catch (e) {
    throw new UsageError(`--state ${path}: ${(e as Error).message}`);
  }
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

export interface VerifyFlags {
  url: string;
  key: string;
  witness?: string[];
  quorum?: string;
  state?: string;
  /** A package whose `log` section names the witnesses and the quorum. */
  package?: string;
}

/** The witnesses and quorum a package names (`log:`), for `log verify --package`. */
async function packageWitnesses(path: string): Promise<{ keys: Verifier[]; quorum: number }> {
  const { readText } = await import('../package-files.js');
  const { loadPackage } = await import('../core/spec/load.js');
  // Geometry files are not read: a client needs the witnesses, not the zones.
  const loaded = loadPackage(readText(path), { file: path });
  if (!loaded.model) throw new UsageError(`--package ${path} has errors; run \`guarantor check ${path}\``);
  const log = loaded.model.log;
  return {
    keys: (log?.witnesses ?? []).map((w) => readVkey(w.vkey, SIG_COSIGNATURE_V1, `--package ${path}: log.witnesses`)),
    quorum: log?.quorum ?? 0,
  };
}

/** Runs `log verify`; returns the exit code. */
export async function runVerify(
  flags: VerifyFlags,
  doFetch: Fetch,
  now: Date,
  write: (s: string) => void,
): Promise<number> {
  const serverKey = readVkey(flags.key, SIG_ED25519, '--log-key');
  const fromPackage = flags.package ? await packageWitnesses(flags.package) : { keys: [], quorum: 0 };
  const witnessKeys = [
    ...fromPackage.keys,
    ...(flags.witness ?? []).map((w) => readVkey(w, SIG_COSIGNATURE_V1, '--witness')),
  ];
  const quorum = flags.quorum === undefined ? fromPackage.quorum : Number(flags.quorum);
  if (!Number.isInteger(quorum) || quorum < 0)
    throw new UsageError(`--quorum must be a whole number, got "${flags.quorum}"`);
  if (quorum > witnessKeys.length)
    throw new UsageError(`--quorum ${quorum} is more than the ${plural(witnessKeys.length, 'witness key')} given`);
  const state = readState(flags.state);
  const r = await verifyLog(
    { url: flags.url, serverKey, witnessKeys, quorum, now, ...(state ? { state } : {}) },
    doFetch,
  );
  for (const l of r.lines) write(`${l}\n`);
  if (r.wrongKey) throw new WrongLogKey(r.wrongKey);
  if (!r.ok) {
    for (const p of r.problems) write(`TAMPERING: ${p}\n`);
    write(
      `log verify: FAILED (${plural(r.problems.length, 'problem')}); ${flags.state ? 'the saved checkpoint was kept' : 'nothing was saved (no --state)'}\n`,
    );
    return 1;
  }
  if (flags.state && r.state) {
    writeFileSync(`${flags.state}.tmp`, JSON.stringify(r.state, null, 2) + '\n');
    renameSync(`${flags.state}.tmp`, flags.state);
    write(`saved checkpoint of size ${r.state.size} to ${flags.state}\n`);
  }
  if (!flags.state)
    write(
      'nothing saved: without --state FILE the next run cannot tell a rollback or a rewritten history from this one\n',
    );
  write('log verify: OK\n');
  return 0;
}

export interface VoteFlags {
  url: string;
  key: string;
  apiKey?: string;
}

/** Runs `log verify-votes`; returns the exit code. */
export async function runVerifyVotes(
  flags: VoteFlags,
  doFetch: Fetch,
  now: Date,
  write: (s: string) => void,
): Promise<number> {
  const serverKey = readVkey(flags.key, SIG_ED25519, '--log-key');
  const { verifyVotes } = await import('./log-votes.js');
  const r = await verifyVotes(
    { url: flags.url, serverKey, now, ...(flags.apiKey ? { apiKey: flags.apiKey } : {}) },
    doFetch,
  );
  write(
    `log verify-votes: ${plural(r.size, 'entry', 'entries')} give${r.size === 1 ? 's' : ''} the signed root; ${plural(r.verified, 'vote')} verified against their commitments and their members' signatures, ${r.sealed.toLocaleString('en-GB')} sealed (case open)${r.unsigned ? `, ${r.unsigned.toLocaleString('en-GB')} logged before votes carried their statement` : ''}\n`,
  );
  for (const p of r.problems) write(`TAMPERING: ${p}\n`);
  write(r.ok ? 'log verify-votes: OK\n' : `log verify-votes: FAILED (${plural(r.problems.length, 'problem')})\n`);
  return r.ok ? 0 : 1;
}

export interface AuditFlags {
  db: string;
  key?: string;
  witness?: string[];
  json?: boolean;
  /** A package whose `log` section names the witnesses (and the quorum) that anchor the audit. */
  package?: string;
  /** Witnesses' state files or URLs (each with its mirror, `<state>.leaves`) to anchor the audit on. */
  witnessState?: string[];
}

/** Runs `log audit`; returns the exit code. */
export async function runAudit(
  flags: AuditFlags,
  write: (s: string) => void,
  doFetch: Fetch = fetch as unknown as Fetch,
): Promise<number> {
  const { openAuditSource } = await import('./log-audit-source.js');
  const serverKey = flags.key ? readVkey(flags.key, SIG_ED25519, '--log-key') : undefined;
  const witnessKeys = flags.witness?.map((w) => readVkey(w, SIG_COSIGNATURE_V1, '--witness'));
  const anchors = flags.witnessState?.length ? await auditAnchors(flags, witnessKeys ?? [], doFetch) : undefined;
  if (!anchors && flags.package)
    throw new UsageError('--package names the witnesses for --witness-state: give their states (file or URL)');
  const { auditLog } = await import('../store/log-audit.js');
  const src = await openAuditSource(flags.db);
  try {
    const r = await auditLog(src.source, {
      ...(serverKey ? { serverKey } : {}),
      ...(witnessKeys ? { witnessKeys } : {}),
      ...(anchors ? { anchors } : {}),
    });
    if (r.wrongKey) {
      const given = `${r.wrongKey.given.name}+${r.wrongKey.given.keyId.toString(16).padStart(8, '0')}`;
      throw new WrongLogKey(
        `the log in ${flags.db} is not signed by the key given: --log-key is ${given}, the log names its ${r.wrongKey.named.length === 1 ? 'key' : 'keys'} ${r.wrongKey.named.join(', ')}. ` +
          `Give --log-key the log's public key (\`guarantor log key --db ${flags.db}\`), or none to audit against the keys the log names (if the key given came from the log's operator out of band, the log's key entries were replaced: treat that as tampering)`,
      );
    }
    if (flags.json) {
      write(
        JSON.stringify(
          {
            entries: r.entries,
            records: r.records,
            checkpoints: r.checkpoints,
            root: Buffer.from(r.root).toString('hex'),
            anchored: r.anchored,
            findings: r.findings,
          },
          null,
          2,
        ) + '\n',
      );
    } else {
      write(
        `log audit: ${plural(r.entries, 'entry', 'entries')}, ${plural(r.records, 'record')}, ${plural(r.checkpoints, 'checkpoint')}; root ${Buffer.from(r.root).toString('hex')}\n`,
      );
      if (!serverKey)
        write(
          'log audit: no --log-key given, so checkpoints were checked against the key the log names in its own first log-key entry\n',
        );
      for (const a of r.anchored)
        write(
          `log audit: anchored on ${a.witnesses.join(', ')} (${a.from}): cosigned size ${a.size} at ${a.time}; the database's first ${a.size} entries were compared with its mirror\n`,
        );
      for (const f of r.findings)
        write(`${f.code}${f.kind ? ` ${f.kind}` : ''}${f.recordId ? ` ${f.recordId}` : ''}: ${f.message}\n`);
      write(
        r.findings.length
          ? `log audit: TAMPERING FOUND (${plural(r.findings.length, 'finding')})\n`
          : 'log audit: OK\n',
      );
    }
    return r.findings.length ? 1 : 0;
  } finally {
    await src.close();
  }
}

/** The witnesses' states to anchor an audit on, with the keys (the package's, and `--witness`) and the quorum. */
async function auditAnchors(
  flags: AuditFlags,
  extraKeys: Verifier[],
  doFetch: Fetch,
): Promise<{ states: WitnessAnchor[]; witnessKeys: Verifier[]; quorum: number }> {
  const fromPackage = flags.package ? await packageWitnesses(flags.package) : { keys: [], quorum: 0 };
  const witnessKeys = [...fromPackage.keys, ...extraKeys];
  if (!witnessKeys.length)
    throw new UsageError(
      "--witness-state needs the witnesses' keys from outside the database: --package FILE (its log section) or --witness KEY",
    );
  const { readWitnessAnchor } = await import('./witness-mirror.js');
  const states: WitnessAnchor[] = [];
  for (const w of flags.witnessState ?? []) states.push(await readWitnessAnchor(w, doFetch));
  return { states, witnessKeys, quorum: Math.max(1, fromPackage.quorum) };
}

export function register(program: Command): void {
  const log = program
    .command('log')
    .description('check the transparency log: as a client of a server, or directly against its database');
  const verify = log
    .command('verify')
    .description(
      'fetch the latest checkpoint, check its signatures, its consistency with the saved one and every entry since; save it (--state)',
    );
  // The public key as --log-key (docs/cli.md); runVerify and runAudit still take it as `key`.
  shared(verify, { url: { required: true }, logKey: { required: true, aliases: ['--key'] } })
    .option('--witness <file|vkey>', 'a witness key whose cosignatures count (repeatable)', collect)
    .option('--quorum <n>', "how many configured witnesses must have cosigned (default 0, or the package's)")
    .option('--package <file>', 'take the witnesses and the quorum from this package (its `log` section)')
    .option(
      '--state <file>',
      'where the last verified checkpoint is kept (read, then replaced when verification passes); without it nothing is saved',
    )
    .action(async (flags: Omit<VerifyFlags, 'key'> & { logKey: string }) => {
      process.exitCode = await runVerify({ ...flags, key: flags.logKey }, fetch as unknown as Fetch, new Date(), (s) =>
        process.stdout.write(s),
      );
    });
  const verifyVotes = log
    .command('verify-votes')
    .description(
      "check every revealed vote in the log against its commitment and its member's signature (keys from the log)",
    );
  shared(verifyVotes, {
    url: { required: true },
    logKey: { required: true, aliases: ['--key'] },
    apiKey: { note: "an auditor's reads the votes of open cases too" },
  }).action(async (flags: Omit<VoteFlags, 'key'> & { logKey: string }) => {
    process.exitCode = await runVerifyVotes(
      { ...flags, key: flags.logKey },
      fetch as unknown as Fetch,
      new Date(),
      (s) => process.stdout.write(s),
    );
  });
  const key = log
    .command('key')
    .description("print the log's public key (a vkey) from its key file: the key clients check the log with");
  shared(key, {
    logKeyFile: { aliases: ['--log-key'] },
    db: { note: 'a SQLite file: its key file sits beside it (<file>.log-key)' },
  })
    .option('--origin <name>', 'the log origin, when the key file does not name it')
    .action(async (flags: { logKeyFile?: string; db?: string; origin?: string }) => {
      const { defaultLogKeyPath, readLogKeyFile } = await import('../log-key-file.js');
      const { ed25519Signer, logKeyVkey } = await import('../core/tlog/index.js');
      const file = flags.logKeyFile ?? defaultLogKeyPath(dbOf(flags));
      if (!file)
        throw new UsageError(
          'name the key file: --log-key-file FILE (a PostgreSQL database keeps none beside it), or --db PATH for the file beside a SQLite database',
        );
      const key = readLogKeyFile(file);
      const origin = flags.origin ?? key.origin;
      if (!origin) throw new UsageError(`${file} does not name its origin: pass --origin (guarantor/<package id>)`);
      process.stdout.write(`${logKeyVkey(ed25519Signer(origin, key.privateKey))}\n`);
    });
  const rotate = log
    .command('rotate-key')
    .description(
      'hand the log over to a new key: logged, signed by the old key; the key file then holds the new key (restart the servers)',
    );
  shared(rotate, {
    db: {},
    logKeyFile: { note: 'default <sqlite file>.log-key', aliases: ['--log-key'] },
  }).action(async (flags: { db?: string; logKeyFile?: string }) => {
    const { defaultLogKeyPath } = await import('../log-key-file.js');
    const db = dbOf(flags);
    const file = flags.logKeyFile ?? defaultLogKeyPath(db);
    if (!file) throw new UsageError('name the key file: --log-key-file FILE (a PostgreSQL database has no default)');
    const { rotateLogKey } = await import('./log-rotate.js');
    const r = await rotateLogKey(existingDb(db), file, Date.now());
    process.stdout.write(
      `log rotate-key: handover logged as entry ${r.index}\n  from ${r.from}\n  to   ${r.to}\n${file} now holds the new key; restart every server with it\n`,
    );
    if (r.warning) process.stderr.write(`log rotate-key: ${r.warning}\n`);
  });
  const audit = log
    .command('audit')
    .description(
      'recompute every entry from the stored records, the tree and the checkpoints, directly against a database',
    );
  shared(audit, {
    db: { required: true },
    logKey: { note: 'as you know it (default: the one the log names itself)', aliases: ['--key'] },
  })
    .option(
      '--witness <file|vkey>',
      'a witness key (repeatable; default: the witnesses registered in the database)',
      collect,
    )
    .option(
      '--witness-state <file|url>',
      "a witness's state (its mirror beside it, <state>.leaves): compare the database with the leaves it cosigned (repeatable)",
      collect,
    )
    .option('--package <file>', 'the witnesses and the quorum that --witness-state must meet (its `log` section)')
    .option('--json', 'findings as JSON')
    .action(async (flags: Omit<AuditFlags, 'key' | 'db'> & { logKey?: string; db?: string }) => {
      const { logKey, ...rest } = flags;
      process.exitCode = await runAudit({ ...rest, db: dbOf(flags), ...(logKey ? { key: logKey } : {}) }, (s) =>
        process.stdout.write(s),
      );
    });
}
