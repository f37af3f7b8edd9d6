/**
 * The CLI's one vocabulary (docs/cli.md): the table is read from the doc, and each flag must exist (shown in --help)
 * on each command it names, each old name must be hidden on its commands and still work with a deprecation note, and
 * no command takes a vocabulary flag the table does not list for it. Then each flag's behaviour, against a real
 * server on a SQLite file (`start`, as `guarantor serve` runs it).
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildProgram, main } from '../src/cli/main.js';
import { vocabulary } from '../src/cli/options.js';
import { ed25519Signer, encodeVkey, SIG_ED25519 } from '../src/core/tlog/index.js';
import { configFrom, start, type Running, type ServeFlags } from '../src/main.js';

interface Row {
  flag: string;
  env?: string;
  commands: string[];
  /** Old flag -> the commands it is an alias in. */
  old: Map<string, string[]>;
  oldEnv: string[];
}

const ticks = (s: string) => [...s.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

/** The vocabulary table of docs/cli.md. */
function table(): Row[] {
  const doc = readFileSync('docs/cli.md', 'utf8');
  const section = doc.slice(
    doc.indexOf('## One vocabulary'),
    doc.indexOf('\n## ', doc.indexOf('## One vocabulary') + 3),
  );
  return section
    .split('\n')
    .filter((l) => l.startsWith('| `--'))
    .map((l) => {
      const cells = l
        .replace(/\\\|/g, '/')
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim());
      const old = new Map<string, string[]>();
      const oldEnv: string[] = [];
      for (const part of cells[4]!
        .split(';')
        .map((p) => p.trim())
        .filter(Boolean)) {
        const [names, where] = part.split(' in ');
        for (const n of ticks(names!)) {
          if (/^[A-Z_]+$/.test(n)) oldEnv.push(n);
          else old.set(n, [...(old.get(n) ?? []), ...ticks(where ?? '')]);
        }
      }
      const env = ticks(cells[2]!)[0];
      return {
        flag: ticks(cells[0]!)[0]!.split(' ')[0]!,
        ...(env ? { env } : {}),
        commands: ticks(cells[3]!),
        old,
        oldEnv,
      };
    });
}

function find(program: Command, path: string): Command {
  let cmd = program;
  for (const name of path.split(' ')) {
    const next = cmd.commands.find((c) => c.name() === name);
    if (!next) throw new Error(`no command ${path}`);
    cmd = next;
  }
  return cmd;
}

function* all(cmd: Command, prefix = ''): Generator<[string, Command]> {
  for (const c of cmd.commands) {
    const path = `${prefix}${c.name()}`;
    if (!c.commands.length) yield [path, c];
    yield* all(c, `${path} `);
  }
}

describe('the vocabulary table in docs/cli.md', () => {
  const rows = table();

  it('lists the seven shared flags, with their environment variables', () => {
    expect(rows.map((r) => r.flag)).toEqual(Object.values(vocabulary).map((v) => v.flags.split(' ')[0]));
    for (const r of rows) {
      const v = Object.values(vocabulary).find((x) => x.flags.startsWith(`${r.flag} `))!;
      expect(r.env, r.flag).toBe(v.env);
    }
  });

  it('names commands that take each flag (shown in --help) and its old names (hidden)', async () => {
    const program = await buildProgram();
    for (const r of rows) {
      expect(r.commands.length, r.flag).toBeGreaterThan(0);
      for (const path of r.commands) {
        const cmd = find(program, path);
        const o = cmd.options.find((x) => x.long === r.flag);
        expect(o, `${path} ${r.flag}`).toBeDefined();
        expect(o!.hidden, `${path} ${r.flag}`).toBe(false);
        expect(cmd.helpInformation()).toContain(r.flag);
      }
      for (const [old, paths] of r.old) {
        expect(paths.length, old).toBeGreaterThan(0);
        for (const path of paths) {
          const cmd = find(program, path);
          const o = cmd.options.find((x) => x.long === old || x.short === old);
          expect(o, `${path} ${old}`).toBeDefined();
          expect(o!.hidden, `${path} ${old}`).toBe(true);
          expect(cmd.helpInformation()).not.toMatch(new RegExp(`(^|[\\s,])${old}\\b(?!-)`, 'm'));
        }
      }
    }
  });

  it('leaves out no command that takes a shared flag', async () => {
    const program = await buildProgram();
    for (const [path, cmd] of all(program))
      for (const o of cmd.options) {
        const r = rows.find((x) => x.flag === o.long);
        // A hidden option is an old name of another flag (`--log-key` in `serve` is `--log-key-file`): the table's.
        if (r && !o.hidden) expect(r.commands, `${path} takes ${o.long}`).toContain(path);
        if (r && o.hidden)
          expect([...rows.flatMap((x) => x.old.get(o.long ?? '') ?? [])], `${path} ${o.long}`).toContain(path);
      }
  });
});

describe('the shared flags, used', () => {
  let dir: string;
  let db: string;
  let running: Running;
  let admin: string;
  let out = '';
  let err = '';

  async function run(
    args: string[],
    env: Record<string, string> = {},
  ): Promise<{ code: number; out: string; err: string }> {
    out = '';
    err = '';
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    const o = vi
      .spyOn(process.stdout, 'write')
      .mockImplementation((s) => ((out += typeof s === 'string' ? s : Buffer.from(s).toString('utf8')), true));
    const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
    process.exitCode = 0;
    try {
      await main(['node', 'guarantor', ...args]);
    } finally {
      o.mockRestore();
      e.mockRestore();
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    const code = Number(process.exitCode ?? 0);
    process.exitCode = 0;
    return { code, out, err };
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'guarantor-vocab-'));
    db = join(dir, 'g.db');
    running = await start(configFrom({ package: 'examples/ukraine-2026.yaml', db, port: '0' }, {}));
    admin = running.bootstrapKey!;
  }, 60_000);
  afterAll(async () => {
    await running?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const newKey = async (role: string, actor = '*') =>
    (await run(['apikey', 'new', '--role', role, '--actor', actor, '--db', db])).out.trim();

  it('--db: reads an existing database, refuses a missing one without creating it', async () => {
    const analyst = await newKey('analyst');
    expect(analyst).toMatch(/^gk_/);
    expect(err).toMatch(/^guarantor: an analyst key [0-9a-f]{12} for no actor \(\*\) stored/);
    const list = await run(['apikey', 'list', '--db', db]);
    expect(list.out).toContain('analyst');
    const missing = join(dir, 'missing.db');
    for (const args of [
      ['apikey', 'list', '--db', missing],
      ['apikey', 'revoke', '0123456789ab', '--db', missing],
      ['log', 'audit', '--db', missing],
      ['export', 'cases', '--format', 'csv', '--db', missing],
    ]) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err, args.join(' ')).toContain(`guarantor: no database at ${missing}`);
      expect(existsSync(missing)).toBe(false);
    }
    // DATABASE_URL stands in for --db.
    expect((await run(['apikey', 'list'], { DATABASE_URL: db })).out).toContain('analyst');
  });

  it('--url and --api-key (or GUARANTOR_API_KEY): keys register, refused for a key that is not admin', async () => {
    const pub = join(dir, 'fr.pub');
    writeFileSync(pub, generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }));
    const first = await run(['keys', 'register', 'FR', pub, '--url', running.url, '--api-key', admin]);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(/^registered sha256:[0-9a-f]{64} for FR\n$/);
    const again = await run(['keys', 'register', 'FR', pub, '--url', running.url], { GUARANTOR_API_KEY: admin });
    expect(again.out).toMatch(/^sha256:[0-9a-f]{64} was already registered for FR; nothing changed\n$/);
    const analyst = await newKey('analyst');
    const refused = await run(['keys', 'register', 'FR', pub, '--url', running.url, '--api-key', analyst]);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/the server refused FR's key \(HTTP 403 forbidden: an analyst key may not call POST/);
    const noKey = await run(['keys', 'register', 'FR', pub, '--url', running.url]);
    expect(noKey.code).toBe(2);
    expect(noKey.err).toMatch(/--api-key is required: an API key .* \(or GUARANTOR_API_KEY\)/);
    const notPem = await run(['keys', 'register', 'FR', db, '--url', running.url, '--api-key', admin]);
    expect([notPem.code, notPem.err]).toEqual([2, expect.stringMatching(/is not an Ed25519 public key in PEM/)]);
    const notUrl = await run(['keys', 'register', 'FR', pub, '--url', '127.0.0.1:8080', '--api-key', admin]);
    expect([notUrl.code, notUrl.err]).toEqual([
      2,
      expect.stringMatching(/--url must be an http:\/\/ or https:\/\/ URL .*did you mean http:\/\/127\.0\.0\.1:8080\?/),
    ]);
    const unreachable = await run(['keys', 'register', 'FR', pub, '--url', 'http://127.0.0.1:1', '--api-key', admin]);
    expect([unreachable.code, unreachable.err]).toEqual([
      2,
      expect.stringMatching(/cannot reach http:\/\/127\.0\.0\.1:1\//),
    ]);
  });

  it('--member-key: vote signs with it; -k and -t still work, each with a note', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const keyFile = join(dir, 'fr.key');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const member = await newKey('member', 'FR');
    const r = await run([
      'vote',
      'case-none',
      'declare',
      '--member-key',
      keyFile,
      '--url',
      running.url,
      '--api-key',
      member,
    ]);
    expect(r.code, r.err).toBe(1);
    expect(r.out).toMatch(/^the server refused the ballot \(HTTP 404 not-found: /);
    expect(r.err).toBe('');
    const old = await run(['vote', 'case-none', 'declare', '-k', keyFile, '-t', running.url, '--api-key', member]);
    expect(old.code).toBe(1);
    expect(old.err).toContain(
      'guarantor: --key is deprecated; use --member-key (the old name goes in the next release)',
    );
    expect(old.err).toContain('guarantor: --to is deprecated; use --url (the old name goes in the next release)');
    const missing = await run(['vote', 'case-none', 'declare', '--url', running.url, '--api-key', member]);
    expect([missing.code, missing.err]).toEqual([2, expect.stringMatching(/--member-key is required/)]);
    const unreadable = await run([
      'vote',
      'c',
      'declare',
      '--member-key',
      join(dir, 'no.key'),
      '--url',
      running.url,
      '--api-key',
      member,
    ]);
    expect([unreadable.code, unreadable.err]).toEqual([2, expect.stringMatching(/cannot read .*no\.key/)]);
  });

  it('--log-key: log verify and log audit check against it; a wrong one is a wrong key, not tampering', async () => {
    const key = await run(['log', 'key', '--db', db]);
    expect(key.out).toMatch(/^\S+\+[0-9a-f]{8}\+\S+\n$/);
    const keyFile = join(dir, 'log.pub');
    writeFileSync(keyFile, key.out);
    const ok = await run(['log', 'verify', '--url', running.url, '--log-key', keyFile]);
    expect(ok.code, ok.out + ok.err).toBe(0);
    expect(ok.out).toContain('nothing saved: without --state FILE');
    expect(ok.out).toMatch(/log verify: OK\n$/);
    const state = join(dir, 'state.json');
    const saved = await run(['log', 'verify', '--url', running.url, '--log-key', key.out.trim(), '--state', state]);
    expect(saved.out).toMatch(/saved checkpoint of size \d+ to /);
    const old = await run(['log', 'verify', '--url', running.url, '--key', keyFile]);
    expect(old.code).toBe(0);
    expect(old.err).toBe('guarantor: --key is deprecated; use --log-key (the old name goes in the next release)\n');
    const other = encodeVkey({
      name: key.out.split('+')[0]!,
      type: SIG_ED25519,
      publicKey: ed25519Signer('x', generateKeyPairSync('ed25519').privateKey).publicKey,
    });
    // Another key of the log's name, never named by the log: a wrong key (exit 3), one line naming both and the fix.
    const wrong = await run(['log', 'verify', '--url', running.url, '--log-key', other]);
    expect(wrong.code, wrong.out + wrong.err).toBe(3);
    expect(wrong.out).not.toContain('TAMPERING');
    const id = (vkey: string) => vkey.split('+').slice(0, 2).join('+');
    expect(wrong.err).toBe(
      `guarantor: the checkpoint of ${running.url} is not signed by the key given: --log-key is ${id(other)}, the checkpoint is signed by ${id(key.out)}, and the log never named the key given. Give --log-key the log's public key: \`guarantor log key --db DB\` where the server runs, or GET ${running.url}/v1/log/key (if the key given came from the log's operator out of band, the server signs with a key it never handed over to: treat that as tampering)\n`,
    );
    // A key of another log altogether: the same, naming that log.
    const stranger = encodeVkey({
      name: 'guarantor/another-package',
      type: SIG_ED25519,
      publicKey: ed25519Signer('x', generateKeyPairSync('ed25519').privateKey).publicKey,
    });
    const foreign = await run(['log', 'verify', '--url', running.url, '--log-key', stranger]);
    expect(foreign.code, foreign.err).toBe(3);
    expect(foreign.err).toContain(
      `--log-key is ${id(stranger)}, the checkpoint is signed by ${id(key.out)} (the log ${key.out.split('+')[0]})`,
    );
    // The state was verified with the log's key: the same wrong key against it is still a wrong key (the state's
    // checkpoint does not bear its signature), and verify-votes and audit say so too.
    const withState = await run(['log', 'verify', '--url', running.url, '--log-key', other, '--state', state]);
    expect(withState.code, withState.err).toBe(3);
    const votes = await run(['log', 'verify-votes', '--url', running.url, '--log-key', other]);
    expect([votes.code, votes.err]).toEqual([
      3,
      expect.stringContaining(`--log-key is ${id(other)}, the checkpoint is signed by`),
    ]);
    const auditWrong = await run(['log', 'audit', '--db', db, '--log-key', other]);
    expect(auditWrong.code, auditWrong.out + auditWrong.err).toBe(3);
    expect(auditWrong.err).toBe(
      `guarantor: the log in ${db} is not signed by the key given: --log-key is ${id(other)}, the log names its key ${key.out.trim()}. Give --log-key the log's public key (\`guarantor log key --db ${db}\`), or none to audit against the keys the log names (if the key given came from the log's operator out of band, the log's key entries were replaced: treat that as tampering)\n`,
    );
    const audit = await run(['log', 'audit', '--db', db, '--log-key', keyFile]);
    expect(audit.code, audit.out).toBe(0);
    expect(audit.out).toMatch(
      /^log audit: [\d,]+ entr(y|ies), [\d,]+ records?, [\d,]+ checkpoints?; root [0-9a-f]{64}\nlog audit: OK\n$/,
    );
    const auditOld = await run(['log', 'audit', '--db', db, '--key', keyFile]);
    expect(auditOld.err).toContain('--key is deprecated; use --log-key');
  });

  it('--log-key-file: serve, log key and log rotate-key take the private key file; --log-key there still works, with a note', async () => {
    const file = `${db}.log-key`;
    const vkey = (await run(['log', 'key', '--db', db])).out;
    const byFile = await run(['log', 'key', '--log-key-file', file]);
    expect([byFile.code, byFile.out, byFile.err]).toEqual([0, vkey, '']);
    expect((await run(['log', 'key'], { GUARANTOR_LOG_KEY_FILE: file })).out).toBe(vkey);
    const old = await run(['log', 'key', '--log-key', file]);
    expect([old.code, old.out]).toEqual([0, vkey]);
    expect(old.err).toBe(
      'guarantor: --log-key is deprecated here; use --log-key-file (the old name goes in the next release)\n',
    );
    // serve: the flag, its old name and the environment reach the server's configuration (the action replaced, so
    // that parsing is all that runs).
    const serveWith = async (args: string[], env: Record<string, string> = {}) => {
      const program = await buildProgram('serve');
      const serve = find(program, 'serve');
      let flags: ServeFlags | undefined;
      serve.action((f: ServeFlags) => void (flags = f));
      const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
      err = '';
      try {
        await program.parseAsync(['node', 'guarantor', 'serve', '--package', 'p.yaml', '--db', 'x.db', ...args]);
      } finally {
        e.mockRestore();
      }
      return { config: configFrom(flags!, env), err };
    };
    expect((await serveWith(['--log-key-file', 'a.key'])).config.logKey).toEqual({ file: 'a.key' });
    expect(await serveWith(['--log-key', 'a.key'])).toEqual({
      config: expect.objectContaining({ logKey: { file: 'a.key' } }),
      err: 'guarantor: --log-key is deprecated here; use --log-key-file (the old name goes in the next release)\n',
    });
    expect((await serveWith([])).config.logKey).toEqual({ file: 'x.db.log-key' });
    // log rotate-key, on a database of its own (the running server's key stays).
    const other = join(dir, 'rotate.db');
    const r = await start(configFrom({ package: 'examples/ukraine-2026.yaml', db: other, port: '0' }, {}));
    await r.close();
    const keyFile = join(dir, 'rotate.key');
    renameSync(`${other}.log-key`, keyFile);
    const rotated = await run(['log', 'rotate-key', '--db', other, '--log-key-file', keyFile]);
    expect(rotated.code, rotated.err).toBe(0);
    expect(rotated.out).toMatch(
      new RegExp(`^log rotate-key: handover logged as entry \\d+\n  from .*\n  to   .*\n${keyFile} now holds`),
    );
    const rotatedOld = await run(['log', 'rotate-key', '--db', other, '--log-key', keyFile]);
    expect(rotatedOld.code, rotatedOld.err).toBe(0);
    expect(rotatedOld.err).toContain('--log-key is deprecated here; use --log-key-file');
    const missing = await run(['log', 'rotate-key', '--db', join(dir, 'none.db'), '--log-key-file', keyFile]);
    expect([missing.code, missing.err]).toEqual([2, expect.stringContaining('no database at')]);
  }, 60_000);

  it('--witness-key: the witness signs with it (created with --name); --key still works, with a note', async () => {
    const file = join(dir, 'w.key');
    const state = join(dir, 'w.json');
    const logKey = (await run(['log', 'key', '--db', db])).out.trim();
    const w = ['witness', '--url', running.url, '--state', state, '--once', '--log-key', logKey];
    const first = await run([...w, '--witness-key', file, '--name', 'witness.example/t']);
    expect(first.out).toMatch(
      /^witness: created the key of witness\.example\/t; register it .*: witness\.example\/t\+/,
    );
    expect(existsSync(file)).toBe(true);
    const vkey = first.out.split(': ').pop()!.split('\n')[0]!;
    const reg = await fetch(`${running.url}/v1/log/witnesses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ vkey }),
    });
    expect(reg.status, await reg.text()).toBeLessThan(300);
    const cosigned = await run([...w, '--witness-key', file]);
    expect(cosigned.code, cosigned.out + cosigned.err).toBe(0);
    expect(cosigned.out).toMatch(/^witness: using the key of witness\.example\/t;[^\n]*\nwitness: cosigned /);
    const old = await run([...w, '--key', file]);
    expect(old.code, old.err).toBe(0);
    expect(old.err).toBe('guarantor: --key is deprecated; use --witness-key (the old name goes in the next release)\n');
    const none = await run(['witness', '--url', running.url, '--state', state, '--once']);
    expect([none.code, none.err]).toEqual([2, expect.stringMatching(/--witness-key is required/)]);
    // A wrong --log-key before a first cosignature: a wrong key (exit 3), not cosigned.
    const wrongKey = encodeVkey({
      name: logKey.split('+')[0]!,
      type: SIG_ED25519,
      publicKey: ed25519Signer('x', generateKeyPairSync('ed25519').privateKey).publicKey,
    });
    const fresh = join(dir, 'w2.json');
    const wrong = await run([
      'witness',
      '--url',
      running.url,
      '--state',
      fresh,
      '--once',
      '--witness-key',
      file,
      '--log-key',
      wrongKey,
    ]);
    expect(wrong.code, wrong.out + wrong.err).toBe(3);
    expect(wrong.err).toMatch(/^guarantor: the checkpoint of .* is not signed by the key given: --log-key is /);
    expect(existsSync(fresh)).toBe(false);
  }, 60_000);

  it('replay, ledger import, report daily and export reach the server with --url and --api-key; old names still work', async () => {
    const monitor = await newKey('monitor');
    const file = 'examples/data/ucdp-ged/ucdp-ged-ukraine-2014-01_to_2022-02.csv';
    const replay = ['replay', 'ucdp', file, '--source', 'radar', '--undetermined', 'artillery-fire', '--limit', '3'];
    const a = await run([...replay, '--url', running.url, '--api-key', monitor]);
    expect(a.out, a.err).toMatch(/\n3 sent in /);
    expect(a.err).toBe('');
    const b = await run([...replay, '--to', running.url, '--key', monitor]);
    expect(b.out).toMatch(/\n3 sent in /);
    expect(b.err).toContain('guarantor: --to is deprecated; use --url');
    expect(b.err).toContain('guarantor: --key is deprecated; use --api-key');
    const c = await run([...replay, '--url', running.url], { GUARANTOR_API_KEY: monitor });
    expect(c.out).toMatch(/\n3 sent in /);
    const clash = await run([...replay, '--url', running.url, '--to', 'http://127.0.0.1:1', '--api-key', monitor]);
    expect([clash.code, clash.err]).toEqual([2, expect.stringMatching(/--to and --url say different things/)]);

    const ledger = ['ledger', 'import', 'test/fixtures/ledger/kiel-layout.csv', '--map', 'military=military-aid'];
    const l = await run([...ledger, '--url', running.url, '--api-key', admin]);
    expect(l.out, l.err).toMatch(/ accepted, /);
    const lOld = await run([...ledger, '--to', running.url, '--key', admin]);
    expect(lOld.out).toMatch(/ accepted, /);
    expect(lOld.err).toContain('--to is deprecated; use --url');

    const analyst = await newKey('analyst');
    const date = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const report = ['report', 'daily', '--date', date, '--format', 'json', '--url', running.url];
    const r = await run([...report, '--api-key', analyst]);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ date });
    const rOld = await run(report, { GUARANTOR_KEY: analyst });
    expect(rOld.code, rOld.err).toBe(0);
    expect(rOld.err).toContain('GUARANTOR_KEY is deprecated; set GUARANTOR_API_KEY');

    // To a file: the in-process stdout here is a spy, which a stream cannot finish on.
    const csv = (name: string) => join(dir, name);
    const e = await run([
      'export',
      'cases',
      '--format',
      'csv',
      '--url',
      running.url,
      '--api-key',
      analyst,
      '--out',
      csv('a.csv'),
    ]);
    expect(e.code, e.err).toBe(0);
    expect(readFileSync(csv('a.csv'), 'utf8').split('\n')[0]).toMatch(/^id,/);
    const eOld = await run([
      'export',
      'cases',
      '--format',
      'csv',
      '--url',
      running.url,
      '--key',
      analyst,
      '--out',
      csv('b.csv'),
    ]);
    expect(readFileSync(csv('b.csv'), 'utf8')).toBe(readFileSync(csv('a.csv'), 'utf8'));
    expect(eOld.err).toContain('--key is deprecated; use --api-key');
  }, 60_000);
});
