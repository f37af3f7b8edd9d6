/**
 * Strict standard base64 (RFC 4648 §4, with padding), as signed notes and checkpoints use it. Buffer's decoder
 * skips junk and accepts missing padding; on attacker-controlled text that would let two spellings stand for one
 * signature, so only the canonical spelling of some byte string is accepted.
 */
const shape = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** The bytes, or undefined when `text` is not canonical padded base64. */
export function decodeBase64(text: string): Uint8Array | undefined {
  if (!shape.test(text)) return undefined;
  const bytes = new Uint8Array(Buffer.from(text, 'base64'));
  // Non-zero bits in the padding position decode to the same bytes; refuse them.
  return encodeBase64(bytes) === text ? bytes : undefined;
}
