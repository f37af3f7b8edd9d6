/**
 * Witness cosignatures in the Ed25519 form of c2sp.org/tlog-cosignature (cosignature/v1, key type 0x04). A
 * witness signs
 *
 *     cosignature/v1 LF time <POSIX seconds> LF <checkpoint note text>
 *
 * and the note signature is an 8-byte big-endian timestamp followed by the 64-byte Ed25519 signature. Its
 * statement: as of that time, this is the largest tree the witness has seen for the origin and it is consistent
 * with everything the witness saw before. The format does not commit to the witness's name, so each witness
 * needs its own key.
 */
import { ED25519_SIGNATURE_SIZE, SIG_COSIGNATURE_V1, keyId, type Signer, type Verifier } from './keys.js';
import { signatureLine } from './note.js';
import { TlogError } from './error.js';

/** The spec allows up to 2^63 - 1; a JavaScript Date ends at 8.64e15 ms, so anything later is refused as nonsense. */
const MAX_TIMESTAMP = 8_640_000_000_000n;
const encoder = new TextEncoder();

export function cosignatureMessage(noteText: string, timestamp: number): Uint8Array {
  return encoder.encode(`cosignature/v1\ntime ${timestamp}\n${noteText}`);
}

/** The signature line a witness adds; `time` is truncated to whole seconds. */
export function cosignatureLine(noteText: string, witness: Signer, time: Date): string {
  const ms = time.getTime();
  if (!Number.isFinite(ms) || ms < 0)
    throw new TlogError('cosignature-time', 'a cosignature time is a valid date at or after 1970-01-01');
  const timestamp = Math.floor(ms / 1000);
  const sig = witness.sign(cosignatureMessage(noteText, timestamp));
  if (sig.length !== ED25519_SIGNATURE_SIZE)
    throw new TlogError('bad-key', `the witness signer returned ${sig.length} bytes, not an Ed25519 signature`);
  const field = new Uint8Array(8 + ED25519_SIGNATURE_SIZE);
  new DataView(field.buffer).setBigUint64(0, BigInt(timestamp));
  field.set(sig, 8);
  return signatureLine(witness.name, keyId(witness.name, SIG_COSIGNATURE_V1, witness.publicKey), field);
}

/** Checks a timestamped signature against a cosignature/v1 key; returns the time it states, or why not. */
export function verifyCosignature(
  noteText: string,
  witness: Verifier,
  signature: Uint8Array,
): { ok: true; time: Date } | { ok: false; error: TlogError } {
  if (witness.type !== SIG_COSIGNATURE_V1)
    return {
      ok: false,
      error: new TlogError('bad-key', `witness key ${witness.name} is not a cosignature/v1 (0x04) key`),
    };
  if (signature.length !== 8 + ED25519_SIGNATURE_SIZE) {
    return {
      ok: false,
      error: new TlogError(
        'signature-invalid',
        `a cosignature is ${8 + ED25519_SIGNATURE_SIZE} bytes (timestamp and Ed25519 signature), got ${signature.length}`,
      ),
    };
  }
  const ts = new DataView(signature.buffer, signature.byteOffset, 8).getBigUint64(0);
  if (ts > MAX_TIMESTAMP)
    return { ok: false, error: new TlogError('cosignature-time', `cosignature timestamp ${ts} is out of range`) };
  const timestamp = Number(ts);
  if (!witness.verify(cosignatureMessage(noteText, timestamp), signature.subarray(8))) {
    return {
      ok: false,
      error: new TlogError('signature-invalid', `the cosignature of ${witness.name} does not verify`),
    };
  }
  return { ok: true, time: new Date(timestamp * 1000) };
}

/** The time a cosignature states, without verifying it (for display); undefined when the field is malformed. */
export function cosignatureTimestamp(signature: Uint8Array): number | undefined {
  if (signature.length !== 8 + ED25519_SIGNATURE_SIZE) return undefined;
  const ts = new DataView(signature.buffer, signature.byteOffset, 8).getBigUint64(0);
  return ts > MAX_TIMESTAMP ? undefined : Number(ts);
}
