// docs/tlog.md is part of the contract: every error code is documented, and its worked examples verify.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { verifyCheckpoint } from './checkpoint.js';
import { encodeEntry, entryLeafHash } from './entry.js';
import { tlogErrorCodes } from './error.js';
import { parseVkey, type Verifier } from './keys.js';

const doc = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'tlog.md'), 'utf8');
const block = (lang: string): string => {
  const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(doc);
  if (!m) throw new Error(`no \`\`\`${lang} block in docs/tlog.md`);
  return m[1]!;
};

describe('docs/tlog.md', () => {
  it('documents every error code in its table', () => {
    const documented = new Set([...doc.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]));
    expect(tlogErrorCodes.filter((c) => !documented.has(c))).toEqual([]);
    expect([...documented].filter((c) => !(tlogErrorCodes as readonly string[]).includes(c!))).toEqual([]);
  });

  it('has a worked checkpoint example that verifies with the vkeys it shows', () => {
    const [logKey, witnessKey] = block('vkeys')
      .trim()
      .split('\n')
      .map((k): Verifier => {
        const r = parseVkey(k);
        if (!r.ok) throw r.error;
        return r.verifier;
      });
    const r = verifyCheckpoint(block('checkpoint'), logKey!, [witnessKey!], { quorum: 1 });
    expect(r.errors).toEqual([]);
    expect(Buffer.from(r.checkpoint!.rootHash).toString('hex')).toBe(
      '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
    );
    expect(r.verifiedWitnesses).toEqual([{ name: 'witness.example/fr', time: new Date('2026-11-26T05:00:07Z') }]);
  });

  it('shows the entry encoding and leaf hash that the code produces', () => {
    const record = { case: 'case-17', member: 'FR', vote: 'breach', at: '2026-11-26T05:00:00Z' };
    expect(doc).toContain(`\`\`\`\n${new TextDecoder().decode(encodeEntry('vote', record))}\n\`\`\``);
    expect(doc).toContain(Buffer.from(entryLeafHash('vote', record)).toString('hex'));
  });
});
