/**
 * The signed-note container (c2sp.org/signed-note): a text ending in a newline, a blank line, then one or more
 * signature lines `— <key name> base64(key ID || signature)`. Parsing treats the input as hostile: it never
 * throws, bounds size and signature count, and reports every bad line with its 1-based number.
 */
import { decodeBase64, encodeBase64 } from './base64.js';
import { TlogError } from './error.js';
import { isKeyName, keyIdBytes } from './keys.js';
import { itemAt } from '../item-at.js';

/** Em dash (U+2014) and space: the start of every signature line. */
export const SIGNATURE_PREFIX = '\u2014 ';

export const noteLimits = {
  /** Far above any checkpoint with its cosignatures; bounds the work a hostile note can cause. */
  bytes: 64 * 1024,
  /** The spec asks verifiers to accept at least 16. */
  signatures: 100,
} as const;

export interface NoteSignature {
  readonly name: string;
  /** uint32, big-endian first four bytes of the signature field. */
  readonly keyId: number;
  /** The signature proper, after the key ID. */
  readonly signature: Uint8Array;
  /** 1-based line number in the note. */
  readonly line: number;
}

export interface Note {
  /** The signed text, including its final newline. */
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

export type NoteResult = { ok: true; note: Note } | { ok: false; errors: TlogError[] };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function parseNote(input: string | Uint8Array): NoteResult {
  const size = typeof input === 'string' ? encoder.encode(input).length : input.length;
  if (size > noteLimits.bytes)
    return failed(
      new TlogError('note-too-large', `the note is ${size} bytes, more than the ${noteLimits.bytes} accepted`),
    );
  let note: string;
  if (typeof input === 'string') {
    if (loneSurrogate.test(input))
      return failed(new TlogError('note-encoding', 'the note is not valid Unicode (lone surrogate)'));
    note = input;
  } else {
    try {
      note = utf8.decode(input);
    } catch {
      return failed(new TlogError('note-encoding', 'the note is not valid UTF-8'));
    }
  }
  const control = /[\u0000-\u0009\u000b-\u001f]/.exec(note);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    return failed(
      new TlogError('note-encoding', `control character U+${code} (only newline is allowed)`, {
        line: lineAt(note, control.index),
      }),
    );
  }
  // The text ends at the last blank line; signature lines are never empty.
  const sep = note.lastIndexOf('\n\n');
  if (sep < 0)
    return failed(new TlogError('note-no-signatures', 'no blank line separates the text from signature lines'));
  const text = note.slice(0, sep + 1);
  const block = note.slice(sep + 2);
  const firstLine = lineAt(note, sep + 2);
  if (block.length === 0)
    return failed(new TlogError('note-no-signatures', 'the note has no signature lines', { line: firstLine }));
  const lines = block.split('\n');
  const errors: TlogError[] = [];
  if (lines[lines.length - 1] !== '')
    errors.push(
      new TlogError('signature-line', 'the note must end with a newline', { line: firstLine + lines.length - 1 }),
    );
  else lines.pop();
  if (lines.length > noteLimits.signatures)
    return failed(
      new TlogError(
        'too-many-signatures',
        `${lines.length} signature lines, more than the ${noteLimits.signatures} accepted`,
        { line: firstLine + noteLimits.signatures },
      ),
    );
  const signatures: NoteSignature[] = [];
  lines.forEach((l, i) => {
    const line = firstLine + i;
    if (!l.startsWith(SIGNATURE_PREFIX)) {
      errors.push(
        new TlogError('signature-line', 'a signature line starts with an em dash (U+2014) and a space', { line }),
      );
      return;
    }
    const fields = l.slice(SIGNATURE_PREFIX.length).split(' ');
    if (fields.length !== 2) {
      errors.push(
        new TlogError(
          'signature-line',
          `expected "— <key name> <base64 signature>", got ${fields.length} space-separated fields`,
          { line },
        ),
      );
      return;
    }
    const [name, b64] = fields as [string, string];
    if (!isKeyName(name)) {
      errors.push(
        new TlogError(
          'key-name',
          `${JSON.stringify(name.slice(0, 64))} is not a valid key name (non-empty, no spaces, no "+")`,
          { line },
        ),
      );
      return;
    }
    const raw = decodeBase64(b64);
    if (!raw) {
      errors.push(new TlogError('signature-line', 'the signature is not canonical base64', { line }));
      return;
    }
    if (raw.length < 5) {
      errors.push(
        new TlogError(
          'signature-line',
          `the signature field is ${raw.length} bytes; it needs a 4-byte key ID and a signature`,
          { line },
        ),
      );
      return;
    }
    const keyId = ((itemAt(raw, 0) << 24) | (itemAt(raw, 1) << 16) | (itemAt(raw, 2) << 8) | itemAt(raw, 3)) >>> 0;
    signatures.push({ name, keyId, signature: raw.subarray(4), line });
  });
  errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return errors.length ? { ok: false, errors } : { ok: true, note: { text, signatures } };
}

/** `— <name> base64(key ID || signature)` with its newline. */
export function signatureLine(name: string, keyId: number, signature: Uint8Array): string {
  if (!isKeyName(name))
    throw new TlogError('key-name', `${JSON.stringify(name)} is not a valid key name (non-empty, no spaces, no "+")`);
  const field = new Uint8Array(4 + signature.length);
  field.set(keyIdBytes(keyId), 0);
  field.set(signature, 4);
  return `${SIGNATURE_PREFIX}${name} ${encodeBase64(field)}\n`;
}

/** A note's text with signature lines: text, blank line, signatures. */
export function formatNote(text: string, signatureLines: readonly string[]): string {
  return `${text}\n${signatureLines.join('')}`;
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function failed(error: TlogError): NoteResult {
  return { ok: false, errors: [error] };
}
