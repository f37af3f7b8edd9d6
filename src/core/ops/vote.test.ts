import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  canonicalStatement,
  signVote,
  verifyVote,
  type SignedVote,
  type VerifyContext,
  type VoteStatement,
} from './vote.js';

const pair = () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    pub: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
};
const fr = pair();
const uk = pair();
const now = Date.UTC(2026, 6, 1, 12);

const statement = (over: Partial<VoteStatement> = {}): VoteStatement => ({
  type: 'guarantor/vote/v1',
  package: 'ukraine-2026-illustrative',
  version: '0.3',
  case: 'case-1',
  member: 'FR',
  choice: 'declare',
  reason: 'three corroborated strikes',
  time: new Date(now).toISOString(),
  nonce: '0123456789abcdef0123456789abcdef',
  ...over,
});

function ctx(over: Partial<VerifyContext> = {}): VerifyContext {
  return {
    package: 'ukraine-2026-illustrative',
    version: '0.3',
    caseId: 'case-1',
    keys: new Map([
      ['FR', [fr.pub]],
      ['UK', [uk.pub]],
    ]),
    now,
    seen: () => false,
    ...over,
  };
}

const code = (v: ReturnType<typeof verifyVote>) => (v.ok ? 'ok' : v.code);

describe('signed votes', () => {
  it('a vote signed by the member verifies, and yields the statement and its digest', () => {
    const v = verifyVote(signVote(statement(), fr.key), ctx({ caller: 'FR' }));
    expect(v.ok).toBe(true);
    if (v.ok) {
      expect(v.statement).toMatchObject({ member: 'FR', choice: 'declare', case: 'case-1' });
      expect(v.digest).toMatch(/^[0-9a-f]{64}$/);
      expect(v.signedAt).toBe(now);
    }
  });

  it('the canonical form fixes field order and spacing', () => {
    const text = canonicalStatement({ ...statement(), nonce: 'ab'.repeat(16) });
    expect(
      text.startsWith(
        '{"type":"guarantor/vote/v1","package":"ukraine-2026-illustrative","version":"0.3","case":"case-1","member":"FR"',
      ),
    ).toBe(true);
    expect(text).not.toMatch(/\s"/);
  });

  it('rejects a forged signature: any flipped byte of statement or signature', () => {
    const good = signVote(statement(), fr.key);
    const sig = Buffer.from(good.signature, 'base64');
    sig[5] = sig[5]! ^ 1;
    expect(code(verifyVote({ ...good, signature: sig.toString('base64') }, ctx()))).toBe('bad-signature');
    const tampered = good.statement.replace('"declare"', '"dismiss"');
    expect(code(verifyVote({ ...good, statement: tampered }, ctx()))).toBe('bad-signature');
  });

  it('rejects a statement signed with another member’s key, or sent by another member', () => {
    expect(code(verifyVote(signVote(statement({ member: 'FR' }), uk.key), ctx()))).toBe('wrong-member');
    expect(code(verifyVote(signVote(statement({ member: 'FR' }), fr.key), ctx({ caller: 'UK' })))).toBe('wrong-member');
  });

  it('rejects a member with no registered key', () => {
    const other = pair();
    expect(code(verifyVote(signVote(statement({ member: 'DE' }), other.key), ctx()))).toBe('unknown-member');
  });

  it('accepts any of several registered keys (rotation)', () => {
    const next = pair();
    expect(
      code(verifyVote(signVote(statement(), next.key), ctx({ keys: new Map([['FR', [fr.pub, next.pub]]]) }))),
    ).toBe('ok');
  });

  it('rejects a replayed nonce and a time outside the window', () => {
    const good = signVote(statement(), fr.key);
    expect(code(verifyVote(good, ctx({ seen: (n) => n === '0123456789abcdef0123456789abcdef' })))).toBe('replayed');
    expect(code(verifyVote(good, ctx({ now: now + 5 * 60_000 })))).toBe('ok');
    expect(code(verifyVote(good, ctx({ now: now + 5 * 60_000 + 1 })))).toBe('stale');
    expect(code(verifyVote(good, ctx({ now: now - 6 * 60_000 })))).toBe('stale');
  });

  it('rejects a statement bound to another case or package version', () => {
    const good = signVote(statement(), fr.key);
    expect(code(verifyVote(good, ctx({ caseId: 'case-2' })))).toBe('wrong-case');
    expect(code(verifyVote(good, ctx({ version: '0.4' })))).toBe('wrong-package');
  });

  it('rejects malformed and non-canonical input with the field named', () => {
    const good = signVote(statement(), fr.key);
    const cases: [unknown, string, string][] = [
      [null, 'malformed', 'object'],
      [{ statement: 1, signature: good.signature }, 'malformed', 'strings'],
      [{ statement: '{', signature: good.signature }, 'malformed', 'JSON'],
      [{ ...good, signature: 'abc' }, 'malformed', '64 bytes'],
      [signVote(statement({ choice: 'maybe' as 'declare' }), fr.key), 'malformed', 'choice'],
      [signVote(statement({ time: '2026-07-01' }), fr.key), 'malformed', 'time'],
      [signVote(statement({ nonce: 'short' }), fr.key), 'malformed', 'nonce'],
      // Signs and verifies, but no store or log can hold it.
      [signVote(statement({ reason: 'three strikes \ud800' }), fr.key), 'malformed', 'reason is not valid Unicode'],
      [signVote(statement({ case: '\udc00' }), fr.key), 'malformed', 'case is not valid Unicode'],
      [
        { statement: JSON.stringify(JSON.parse(good.statement), null, 1), signature: good.signature },
        'not-canonical',
        'canonical',
      ],
      [{ statement: good.statement.replace('{', '{"extra":"1",'), signature: good.signature }, 'malformed', 'extra'],
    ];
    for (const [input, c, word] of cases) {
      const v = verifyVote(input as SignedVote, ctx());
      expect(v.ok).toBe(false);
      if (!v.ok) {
        expect(v.code).toBe(c);
        expect(v.message).toContain(word);
      }
    }
  });

  it('refuses to sign with a key that is not Ed25519', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => signVote(statement(), privateKey)).toThrow(/Ed25519/);
  });
});
