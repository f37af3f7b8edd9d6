/**
 * `guarantor apikey new|list|revoke|generate`: API key administration straight on the store, for the first key of
 * a deployment or when no admin key is at hand. (`guarantor keys` is the members' Ed25519 signing keys.)
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { roles, type Role, type Store } from '../core/ports/store.js';
import { generateKey } from '../server/api-keys.js';
import { publicKey } from '../server/routes/api-keys.js';
import { openStore } from '../store/open.js';
import { article, dbOf, existingDb, shared } from './options.js';
import { UsageError } from './usage-error.js';

/**
 * The store a server runs on. Reading a missing one is refused, never created empty; `apikey new` may create it (the
 * first admin key of an automated deployment, before the first start) and says so.
 */
async function withStore<T>(db: string, f: (s: Store) => Promise<T>, create = false): Promise<T> {
  if (create && !/^postgres(ql)?:\/\//i.test(db) && !existsSync(db))
    process.stderr.write(
      `guarantor: no database at ${db}: creating it (a server started with --db ${db} will use it)\n`,
    );
  else existingDb(db);
  const store = await openStore(db);
  try {
    return await f(store);
  } finally {
    await store.close();
  }
}

export function register(program: Command): void {
  const cmd = program.command('apikey').description('issue, list and revoke API keys (bound to an actor and a role)');
  shared(
    cmd
      .command('new')
      .description('issue a key and print it once (only its hash is stored)')
      .requiredOption('--role <role>', `one of ${roles.join(', ')}`)
      .option('--actor <id>', 'the package actor the key acts for; * for none', '*')
      .option('--label <text>', 'a note for the key list', ''),
    { db: { note: 'created if missing (with a note)' } },
  ).action(async (o: { role: string; actor: string; label: string; db?: string }) => {
    if (!(roles as readonly string[]).includes(o.role))
      throw new UsageError(`--role must be one of ${roles.join(', ')}, got "${o.role}"`);
    if (!/^(\*|[A-Za-z][A-Za-z0-9_.-]*)$/.test(o.actor))
      throw new UsageError(`--actor must be an actor id or *, got "${o.actor}"`);
    const { key, record } = generateKey(o.actor, o.role as Role, o.label, Date.now());
    await withStore(dbOf(o), (s) => s.createApiKey(record), true);
    process.stdout.write(`${key}\n`);
    process.stderr.write(
      `guarantor: ${article(record.role)} key ${record.id} for ${record.actor === '*' ? 'no actor (*)' : record.actor} stored; the text above is shown only now\n`,
    );
  });
  shared(cmd.command('list').description('list keys (never their text)'), { db: {} }).action(
    async (o: { db?: string }) => {
      const keys = await withStore(dbOf(o), (s) => s.listApiKeys());
      for (const key of keys) {
        const k = publicKey(key);
        process.stdout.write(
          `${k['id']}  ${key.role.padEnd(9)}  ${key.actor.padEnd(6)}  ${k['createdAt']}  ${k['revokedAt'] ? `revoked ${k['revokedAt']}` : 'active'}  ${k['label']}\n`,
        );
      }
    },
  );
  shared(
    cmd
      .command('revoke')
      .description('revoke a key by id; it stops working at once')
      .argument('<id>', 'the key id (the 12 hex digits after gk_)'),
    { db: {} },
  ).action(async (id: string, o: { db?: string }) => {
    const ok = await withStore(dbOf(o), (s) => s.revokeApiKey(id, Date.now()));
    if (!ok) throw new UsageError(`no active key ${id}`);
    process.stdout.write(`revoked ${id}\n`);
  });
  cmd
    .command('generate')
    .description('print a fresh key text without storing it (for GUARANTOR_ADMIN_KEY)')
    .action(() => {
      process.stdout.write(`${generateKey('*', 'admin', '', 0).key}\n`);
    });
}
