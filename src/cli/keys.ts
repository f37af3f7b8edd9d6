/**
 * `guarantor keys new [--out NAME]`: an Ed25519 key pair for a judgment member, `NAME.key` (PKCS#8 PEM, mode 0600)
 * and `NAME.pub` (SPKI PEM, to register with the server). Refuses to overwrite an existing key.
 * `guarantor keys register MEMBER NAME.pub --url URL --api-key ADMIN`: registers the public key for the member.
 */
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { keyFingerprint } from '../core/ops/index.js';
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { readText } from '../package-files.js';
import { ApiClient, refusal, type Fetch } from './api-client.js';
import { shared } from './options.js';
import { UsageError } from './usage-error.js';

export function register(program: Command): void {
  const keys = program.command('keys').description('signing keys for judgment members');
  keys
    .command('new')
    .description(
      'write a new Ed25519 key pair: NAME.key (private, mode 0600) and NAME.pub (register it with the server)',
    )
    .option('-o, --out <name>', 'file name without extension', 'member')
    .action((opts: { out: string }) => {
      const r = newKeyPair(opts.out);
      process.stdout.write(
        `wrote ${r.privatePath} (keep it secret) and ${r.publicPath}\nfingerprint ${r.fingerprint}\n` +
          `register it: guarantor keys register MEMBER ${r.publicPath} --url URL --api-key ADMIN_KEY\n`,
      );
    });
  const register = keys
    .command('register')
    .description(
      "register a member's public key with the server (an admin key); several per member are kept, for rotation",
    )
    .argument('<member>', 'the member of the judgment body, e.g. FR')
    .argument('<file>', 'the public key (NAME.pub from `guarantor keys new`)');
  shared(register, { url: { required: true }, apiKey: { required: true, note: 'an admin key' } }).action(
    async (member: string, file: string, o: { url: string; apiKey: string }) => {
      const r = await registerKey(member, file, o, fetch as unknown as Fetch);
      process.stdout.write(`${r}\n`);
    },
  );
}

/** Registers a member's public key; the line to print. Refusals are usage errors (exit 2) with the server's reason. */
export async function registerKey(
  member: string,
  file: string,
  o: { url: string; apiKey: string },
  doFetch: Fetch,
): Promise<string> {
  const pem = readText(file);
  try {
    if (createPublicKey(pem).asymmetricKeyType !== 'ed25519') throw new Error('not an Ed25519 key');
  } catch (e) {
    throw new UsageError(
      `${file} is not an Ed25519 public key in PEM (${(e as Error).message}); give the .pub file \`guarantor keys new\` wrote`,
    );
  }
  const api = new ApiClient(o.url, doFetch, o.apiKey);
  const a = await api.call('postMembersByMemberKeys', { path: { member }, body: { publicKey: pem } });
  if (a.status !== 200 && a.status !== 201) throw new UsageError(`the server refused ${member}'s key (${refusal(a)})`);
  const { fingerprint } = a.body;
  return a.status === 201
    ? `registered ${fingerprint} for ${member}`
    : `${fingerprint} was already registered for ${member}; nothing changed`;
}

export function newKeyPair(out: string): { privatePath: string; publicPath: string; fingerprint: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const pub = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const key = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const privatePath = `${out}.key`;
  const publicPath = `${out}.pub`;
  write(privatePath, key, 0o600);
  write(publicPath, pub, 0o644);
  return { privatePath, publicPath, fingerprint: keyFingerprint(pub) };
}

function write(path: string, text: string, mode: number): void {
  try {
    // `wx`: fail rather than overwrite a key someone may already have registered.
    writeFileSync(path, text, { mode, flag: 'wx' });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new UsageError(
      err.code === 'EEXIST'
        ? `${path} already exists; choose another --out or move it away`
        : `cannot write ${path}: ${err.message}`,
    );
  }
}
