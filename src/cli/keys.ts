/**
 * `guarantor keys new [--out NAME]`: an Ed25519 key pair for a judgment member, `NAME.key` (PKCS#8 PEM, mode 0600)
 * and `NAME.pub` (SPKI PEM, to register with the server). Refuses to overwrite an existing key.
 */
import { generateKeyPairSync } from 'node:crypto';
import { keyFingerprint } from '../core/ops/index.js';
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
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
        `wrote ${r.privatePath} (keep it secret) and ${r.publicPath}\nfingerprint ${r.fingerprint}\n`,
      );
    });
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
