import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newKeyPair } from './keys.js';
import { UsageError } from './usage-error.js';

describe('guarantor keys new', () => {
  it('writes an Ed25519 pair, the private key readable by its owner only, and refuses to overwrite it', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'guarantor-keys-')), 'fr');
    const r = newKeyPair(out);
    expect(r).toMatchObject({
      privatePath: `${out}.key`,
      publicPath: `${out}.pub`,
      fingerprint: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
    expect(statSync(r.privatePath).mode & 0o777).toBe(0o600);
    expect(createPrivateKey(readFileSync(r.privatePath, 'utf8')).asymmetricKeyType).toBe('ed25519');
    expect(createPublicKey(readFileSync(r.publicPath, 'utf8')).asymmetricKeyType).toBe('ed25519');
    expect(() => newKeyPair(out)).toThrow(UsageError);
    expect(() => newKeyPair(out)).toThrow(/already exists/);
  });
});
