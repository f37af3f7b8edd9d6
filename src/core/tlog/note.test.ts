import { describe, expect, it } from 'vitest';
import { cosignatureTimestamp } from './cosignature.js';
import { noteLimits, parseNote } from './note.js';

const sig = 'x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=';
const good = `origin\n1\nroot\n\n\u2014 PeterNeumann ${sig}\n`;

function errors(input: string | Uint8Array): string[] {
  const r = parseNote(input);
  return r.ok ? [] : r.errors.map((e) => `${e.code}${e.line === undefined ? '' : `@${e.line}`}`);
}

describe('signed notes: parsing hostile input', () => {
  it('reads text and signatures, with line numbers', () => {
    const r = parseNote(good);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.note.text).toBe('origin\n1\nroot\n');
    expect(r.note.signatures).toHaveLength(1);
    expect(r.note.signatures[0]).toMatchObject({ name: 'PeterNeumann', keyId: 0xc74f20a3, line: 5 });
    expect(r.note.signatures[0]!.signature).toHaveLength(64);
  });

  it('reads bytes as strict UTF-8', () => {
    expect(parseNote(new TextEncoder().encode(good)).ok).toBe(true);
    expect(errors(new Uint8Array([0x6f, 0xff, 0x0a, 0x0a]))).toEqual(['note-encoding']);
    expect(errors('a\ud800\n\n')).toEqual(['note-encoding']);
  });

  it('splits at the last blank line, so the text may hold blank lines', () => {
    const r = parseNote(`a\n\nb\n\n\u2014 PeterNeumann ${sig}\n`);
    expect(r.ok && r.note.text).toBe('a\n\nb\n');
  });

  it('names each bad line and keeps going', () => {
    const note = [
      'origin\n1\nroot\n\n',
      `\u2014 PeterNeumann ${sig}\n`,
      `- PeterNeumann ${sig}\n`, // hyphen, not an em dash
      `\u2014 Peter Neumann ${sig}\n`, // three fields
      `\u2014 Peter+Neumann ${sig}\n`,
      `\u2014 PeterNeumann ${sig.slice(0, -1)}\n`, // broken padding
      `\u2014 PeterNeumann AAAA\n`, // too short for an ID and a signature
      `\u2014 PeterNeumann ${sig}`, // no final newline
    ].join('');
    expect(errors(note)).toEqual([
      'signature-line@6',
      'signature-line@7',
      'key-name@8',
      'signature-line@9',
      'signature-line@10',
      'signature-line@11',
    ]);
  });

  it('refuses control characters, CRLF, missing separators, oversize input and too many signatures', () => {
    expect(errors(`origin\r\n1\nroot\n\n\u2014 PeterNeumann ${sig}\n`)).toEqual(['note-encoding@1']);
    expect(errors(`origin\n1\x00\nroot\n\n\u2014 PeterNeumann ${sig}\n`)).toEqual(['note-encoding@2']);
    expect(errors(`origin\n1\nroot\n\u2014 PeterNeumann ${sig}\n`)).toEqual(['note-no-signatures']);
    expect(errors('origin\n1\nroot\n\n')).toEqual(['note-no-signatures@5']);
    expect(errors('x'.repeat(noteLimits.bytes + 1))).toEqual(['note-too-large']);
    expect(errors(`t\n\n${`\u2014 PeterNeumann ${sig}\n`.repeat(noteLimits.signatures + 1)}`)).toEqual([
      `too-many-signatures@${3 + noteLimits.signatures}`,
    ]);
    expect(parseNote(`t\n\n${`\u2014 PeterNeumann ${sig}\n`.repeat(16)}`).ok).toBe(true);
    expect(errors('')).toEqual(['note-no-signatures']);
  });

  it('never throws on random input', () => {
    const alphabet = ['\n', '\u2014', ' ', 'A', '=', '+', '/', 'a', '\r', '\u0000', '\ud800', 'é'];
    let seed = 7;
    for (let i = 0; i < 2000; i++) {
      let s = '';
      const len = (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 80;
      for (let j = 0; j < len; j++) s += alphabet[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % alphabet.length];
      expect(() => parseNote(s)).not.toThrow();
    }
  });
});

describe('the cosigned checkpoint example of c2sp.org/tlog-cosignature', () => {
  const example = [
    'example.com/behind-the-sofa',
    '20852163',
    'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=',
    '',
    '\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=',
    '\u2014 witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==',
    '',
  ].join('\n');

  it('parses, and the cosignature states the time of the spec text (1679315147)', () => {
    const r = parseNote(example);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.note.signatures.map((s) => s.signature.length)).toEqual([64, 72]);
    expect(cosignatureTimestamp(r.note.signatures[1]!.signature)).toBe(1679315147);
    expect(cosignatureTimestamp(r.note.signatures[0]!.signature)).toBeUndefined();
  });

  it('decodes the transparency-dev/formats cosignature timestamp vector (1727964367)', () => {
    const field = Buffer.from(
      'ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA==',
      'base64',
    );
    expect(cosignatureTimestamp(new Uint8Array(field.subarray(4)))).toBe(1727964367);
  });
});
