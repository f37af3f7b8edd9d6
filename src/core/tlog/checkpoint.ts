/**
 * Checkpoints: signed tree heads in the c2sp.org/tlog-checkpoint format, a signed note whose text is
 *
 *     <origin> LF <tree size> LF base64(<root hash>) LF time <YYYY-MM-DDTHH:MM:SSZ> LF [<extension line> LF]…
 *
 * The `time` line is our extension (the first extension line, always present): the log signs size, root and the
 * time it signed them, to the second, in UTC. The log signs the text with a plain Ed25519 note signature (type
 * 0x01, key name normally equal to the origin); witnesses add cosignature/v1 lines (type 0x04, see
 * cosignature.ts) to the same note.
 *
 * A checkpoint arrives from the network: parsing never throws and names the line of every problem.
 */
import { decodeBase64, encodeBase64 } from './base64.js';
import { verifyConsistency } from './consistency.js';
import { cosignatureLine, verifyCosignature } from './cosignature.js';
import { TlogError } from './error.js';
import { HASH_SIZE } from './hash.js';
import { ED25519_SIGNATURE_SIZE, SIG_COSIGNATURE_V1, SIG_ED25519, keyId, type Signer, type Verifier } from './keys.js';
import { formatNote, parseNote, signatureLine, type Note, type NoteSignature } from './note.js';
import { isTreeSize } from './subtree.js';

export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Uint8Array;
  /** When the log signed; whole seconds. */
  readonly time: Date;
  /** Extension lines after `time`, opaque, in order. */
  readonly extensions: readonly string[];
}

export interface CheckpointVerification {
  /** True when the log's signature verified and nothing was refused. */
  ok: boolean;
  /** The parsed checkpoint, when the note could be read at all (check `ok` before trusting it). */
  checkpoint: Checkpoint | undefined;
  errors: TlogError[];
  /** Witnesses whose cosignature verified, in note order, with the time each states. */
  verifiedWitnesses: { name: string; time: Date }[];
  /** Signature lines from keys not configured, when `allowUnknown` let them pass. */
  ignored: { name: string; keyId: number; line: number }[];
}

export interface VerifyOptions {
  /** The log's origin line; defaults to the log key's name, which the checkpoint spec says it should match. */
  origin?: string;
  /** Minimum number of distinct configured witnesses that must have cosigned. */
  quorum?: number;
  /**
   * c2sp.org/signed-note says verifiers MUST ignore signatures from unknown keys (so logs can rotate keys and
   * witnesses can be added). Here the default is to refuse them, so a stray line is noticed; pass true for the
   * spec's behaviour when checkpoints come from a wider witness network.
   */
  allowUnknown?: boolean;
  /** With `now`, times more than `maxSkewMs` (default 5 minutes) in the future are refused. */
  now?: Date;
  maxSkewMs?: number;
}

const encoder = new TextEncoder();
const timeLine = /^time (\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;
const controlChars = /[\u0000-\u001f\u007f]/;

/** The note text of a checkpoint. Throws TlogError for values no checkpoint can hold (a caller bug). */
export function formatCheckpoint(cp: Checkpoint): string {
  if (cp.origin.length === 0 || controlChars.test(cp.origin))
    throw new TlogError('checkpoint-origin', 'the origin must be non-empty, on one line, without control characters');
  if (!isTreeSize(cp.size))
    throw new TlogError('checkpoint-size', `tree size ${String(cp.size)} is not a non-negative safe integer`);
  if (cp.rootHash.length !== HASH_SIZE)
    throw new TlogError('checkpoint-root', `root hash is ${cp.rootHash.length} bytes, expected ${HASH_SIZE}`);
  for (const e of cp.extensions) {
    if (e.length === 0 || controlChars.test(e))
      throw new TlogError(
        'checkpoint-extension',
        'extension lines must be non-empty, on one line, without control characters',
      );
  }
  return `${cp.origin}\n${cp.size}\n${encodeBase64(cp.rootHash)}\n${formatTime(cp.time)}\n${cp.extensions.map((e) => `${e}\n`).join('')}`;
}

/** Reads checkpoint note text (no signatures). */
export function parseCheckpointText(
  text: string,
): { ok: true; checkpoint: Checkpoint } | { ok: false; errors: TlogError[] } {
  const errors: TlogError[] = [];
  if (!text.endsWith('\n'))
    return { ok: false, errors: [new TlogError('checkpoint-lines', 'checkpoint text ends with a newline')] };
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 4) {
    const missing = ['origin', 'tree size', 'root hash', 'time'].slice(lines.length).join(', ');
    return {
      ok: false,
      errors: [
        new TlogError(
          'checkpoint-lines',
          `a checkpoint has origin, tree size, root hash and time lines; missing ${missing}`,
          { line: lines.length + 1 },
        ),
      ],
    };
  }
  const [origin, sizeText, rootText, timeText] = lines as [string, string, string, string];
  if (origin.length === 0) errors.push(new TlogError('checkpoint-origin', 'the origin line is empty', { line: 1 }));
  let size = 0;
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText))
    errors.push(
      new TlogError(
        'checkpoint-size',
        `${JSON.stringify(sizeText.slice(0, 32))} is not a tree size (decimal digits, no leading zeros)`,
        { line: 2 },
      ),
    );
  else if (!isTreeSize((size = Number(sizeText))))
    errors.push(new TlogError('checkpoint-size', `tree size ${sizeText.slice(0, 32)} is beyond 2^53 - 1`, { line: 2 }));
  const rootHash = decodeBase64(rootText);
  if (!rootHash) errors.push(new TlogError('checkpoint-root', 'the root hash is not canonical base64', { line: 3 }));
  else if (rootHash.length !== HASH_SIZE)
    errors.push(
      new TlogError('checkpoint-root', `the root hash is ${rootHash.length} bytes, expected ${HASH_SIZE}`, { line: 3 }),
    );
  const time = parseTime(timeText);
  if (!time)
    errors.push(
      new TlogError(
        'checkpoint-time',
        `expected "time YYYY-MM-DDTHH:MM:SSZ" (UTC, whole seconds), got ${JSON.stringify(timeText.slice(0, 40))}`,
        { line: 4 },
      ),
    );
  const extensions = lines.slice(4);
  extensions.forEach((e, i) => {
    if (e.length === 0)
      errors.push(new TlogError('checkpoint-extension', 'extension lines must be non-empty', { line: 5 + i }));
  });
  // Each of !rootHash and !time has pushed an error above.
  if (errors.length || !rootHash || !time) return { ok: false, errors };
  return { ok: true, checkpoint: { origin, size, rootHash, time, extensions } };
}

/** Reads a signed checkpoint note without verifying any signature. */
export function parseCheckpoint(
  input: string | Uint8Array,
): { ok: true; checkpoint: Checkpoint; note: Note } | { ok: false; errors: TlogError[] } {
  const note = parseNote(input);
  if (!note.ok) return note;
  const cp = parseCheckpointText(note.note.text);
  if (!cp.ok) return cp;
  return { ok: true, checkpoint: cp.checkpoint, note: note.note };
}

/** The signed note of a checkpoint: its text with the log's Ed25519 signature line (type 0x01). */
export function signCheckpoint(cp: Checkpoint, signer: Signer): string {
  const text = formatCheckpoint(cp);
  const sig = signer.sign(encoder.encode(text));
  if (sig.length !== ED25519_SIGNATURE_SIZE)
    throw new TlogError('bad-key', `the signer returned ${sig.length} bytes, not an Ed25519 signature`);
  return formatNote(text, [signatureLine(signer.name, keyId(signer.name, SIG_ED25519, signer.publicKey), sig)]);
}

/**
 * A witness's step: checks the log's signature and, given the witness's last cosigned tree head and a consistency
 * proof from it, that the new checkpoint extends it; only then appends the witness's cosignature line.
 * Without `previous` (first contact) only the signature is checked.
 */
export function addCosignature(
  signedNote: string,
  witness: Signer,
  options: {
    time: Date;
    serverKey: Verifier;
    origin?: string;
    previous?: { size: number; rootHash: Uint8Array; proof: readonly Uint8Array[] };
  },
): { ok: true; note: string } | { ok: false; errors: TlogError[] } {
  // Other witnesses' lines are not this witness's business; a checkpoint dated after the witness's clock is.
  const checked = verifyCheckpoint(signedNote, options.serverKey, [], {
    allowUnknown: true,
    origin: options.origin,
    now: options.time,
  });
  if (!checked.ok) return { ok: false, errors: checked.errors };
  const cp = checked.checkpoint;
  if (!cp) throw new Error('a verified checkpoint without its parsed form');
  const parsed = parseNote(signedNote);
  if (!parsed.ok) return parsed;
  const id = keyId(witness.name, SIG_COSIGNATURE_V1, witness.publicKey);
  if (parsed.note.signatures.some((s) => s.name === witness.name && s.keyId === id)) {
    return {
      ok: false,
      errors: [new TlogError('signature-duplicate', `${witness.name} has already cosigned this checkpoint`)],
    };
  }
  const prev = options.previous;
  if (prev) {
    if (prev.size > cp.size)
      return {
        ok: false,
        errors: [
          new TlogError(
            'size-out-of-order',
            `the checkpoint (size ${cp.size}) is smaller than the ${prev.size} leaves already cosigned`,
          ),
        ],
      };
    const r = verifyConsistency(prev.size, cp.size, prev.rootHash, cp.rootHash, prev.proof);
    if (!r.ok) return { ok: false, errors: [r.error] };
  }
  return { ok: true, note: signedNote + cosignatureLine(parsed.note.text, witness, options.time) };
}

/**
 * Verifies a signed checkpoint against the log's key and the configured witness keys. Refused, each with its own
 * error: a missing or forged log signature, a forged cosignature, a key that signed twice, unknown keys (unless
 * `allowUnknown`), a wrong origin, too few witnesses, and times in the future (with `now`).
 */
export function verifyCheckpoint(
  input: string | Uint8Array,
  serverKey: Verifier,
  witnessKeys: readonly Verifier[],
  options: VerifyOptions = {},
): CheckpointVerification {
  const result: CheckpointVerification = {
    ok: false,
    checkpoint: undefined,
    errors: [],
    verifiedWitnesses: [],
    ignored: [],
  };
  const parsed = parseCheckpoint(input);
  if (!parsed.ok) {
    result.errors = parsed.errors;
    return result;
  }
  const { checkpoint, note } = parsed;
  result.checkpoint = checkpoint;
  const errors = result.errors;
  if (serverKey.type !== SIG_ED25519)
    errors.push(new TlogError('bad-key', `the log key ${serverKey.name} must be an Ed25519 note key (type 0x01)`));
  // Witnesses count once per distinct key, and the log cannot witness itself.
  const witnessKeyText = new Set<string>();
  for (const w of witnessKeys) {
    const k = encodeBase64(w.publicKey);
    if (w.type !== SIG_COSIGNATURE_V1)
      errors.push(new TlogError('bad-key', `witness key ${w.name} must be a cosignature/v1 key (type 0x04)`));
    else if (k === encodeBase64(serverKey.publicKey))
      errors.push(new TlogError('bad-key', `witness ${w.name} uses the log's own key`));
    else if (witnessKeyText.has(k))
      errors.push(new TlogError('bad-key', `witness ${w.name} shares its key with another configured witness`));
    witnessKeyText.add(k);
  }
  const origin = options.origin ?? serverKey.name;
  if (checkpoint.origin !== origin) {
    errors.push(
      new TlogError(
        'origin-mismatch',
        `the checkpoint is from ${JSON.stringify(checkpoint.origin.slice(0, 100))}, expected ${JSON.stringify(origin)}`,
        { line: 1 },
      ),
    );
  }
  const skew = options.maxSkewMs ?? 5 * 60_000;
  if (options.now && checkpoint.time.getTime() > options.now.getTime() + skew) {
    errors.push(
      new TlogError('checkpoint-time', `the checkpoint is dated ${checkpoint.time.toISOString()}, in the future`, {
        line: 4,
      }),
    );
  }

  const text = encoder.encode(note.text);
  const seen = new Map<string, number>();
  let serverVerified = false;
  let serverForged = false;
  for (const sig of note.signatures) {
    const key = matchKey(sig, serverKey, witnessKeys);
    if (!key) {
      const sameName = [serverKey, ...witnessKeys].find((k) => k.name === sig.name);
      if (!options.allowUnknown) {
        const why = sameName
          ? `is named ${sig.name} but its key ID ${hex8(sig.keyId)} is not the configured key's ${hex8(sameName.keyId)}`
          : `is from ${sig.name} (key ID ${hex8(sig.keyId)}), which is not a configured key`;
        errors.push(new TlogError('signature-unknown', `the signature ${why}`, { line: sig.line }));
      } else {
        result.ignored.push({ name: sig.name, keyId: sig.keyId, line: sig.line });
      }
      continue;
    }
    const id = `${key.name}\n${key.keyId}`;
    const first = seen.get(id);
    if (first !== undefined) {
      errors.push(
        new TlogError('signature-duplicate', `${key.name} signed again (first on line ${first})`, { line: sig.line }),
      );
      continue;
    }
    seen.set(id, sig.line);
    if (key === serverKey) {
      if (serverKey.verify(text, sig.signature)) serverVerified = true;
      else {
        serverForged = true;
        errors.push(
          new TlogError(
            'signature-invalid',
            `the log signature of ${key.name} does not verify: forged, or the text was altered`,
            { line: sig.line },
          ),
        );
      }
      continue;
    }
    const cos = verifyCosignature(note.text, key, sig.signature);
    if (!cos.ok) {
      errors.push(
        new TlogError(cos.error.code, `${cos.error.message}: forged, or the text was altered`, { line: sig.line }),
      );
      continue;
    }
    if (options.now && cos.time.getTime() > options.now.getTime() + skew) {
      errors.push(
        new TlogError(
          'cosignature-time',
          `the cosignature of ${key.name} is dated ${cos.time.toISOString()}, in the future`,
          { line: sig.line },
        ),
      );
      continue;
    }
    result.verifiedWitnesses.push({ name: key.name, time: cos.time });
  }
  if (!serverVerified && !serverForged) {
    errors.push(
      new TlogError(
        'server-signature-missing',
        `no signature from the log key ${serverKey.name} (key ID ${hex8(serverKey.keyId)})`,
      ),
    );
  }
  const quorum = options.quorum ?? 0;
  if (result.verifiedWitnesses.length < quorum) {
    errors.push(
      new TlogError(
        'witness-quorum',
        `${result.verifiedWitnesses.length} of the required ${quorum} witnesses cosigned`,
      ),
    );
  }
  result.ok = errors.length === 0;
  return result;
}

function matchKey(sig: NoteSignature, serverKey: Verifier, witnessKeys: readonly Verifier[]): Verifier | undefined {
  // A known key is a match of both name and key ID (c2sp.org/signed-note).
  if (sig.name === serverKey.name && sig.keyId === serverKey.keyId) return serverKey;
  return witnessKeys.find((k) => k.name === sig.name && k.keyId === sig.keyId);
}

function formatTime(time: Date): string {
  const ms = time.getTime();
  if (!Number.isFinite(ms) || ms < 0 || time.getUTCFullYear() > 9999)
    throw new TlogError('checkpoint-time', 'the checkpoint time must be a valid date between 1970 and 9999');
  return `time ${new Date(ms - (ms % 1000)).toISOString().slice(0, 19)}Z`;
}

function parseTime(line: string): Date | undefined {
  const m = timeLine.exec(line);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  // Date.UTC rolls 2026-02-30 over into March; a real date reads back the same.
  if (
    t.getUTCFullYear() !== y ||
    t.getUTCMonth() !== mo - 1 ||
    t.getUTCDate() !== d ||
    t.getUTCHours() !== h ||
    t.getUTCMinutes() !== mi ||
    t.getUTCSeconds() !== s
  )
    return undefined;
  if (y < 1970) return undefined;
  return t;
}

function hex8(id: number): string {
  return id.toString(16).padStart(8, '0');
}
