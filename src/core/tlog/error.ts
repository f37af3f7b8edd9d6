/**
 * Why a proof, note or checkpoint was refused. One small error class typed by a closed union of codes (the
 * sigstore-js `VerificationError` model), so callers branch on `code`, never on message text. Verification returns
 * these in a result rather than throwing: a bad proof from a hostile server is an expected answer, not a bug.
 */
export const tlogErrorCodes = [
  // Arguments that name no valid tree position (sizes, indices).
  'bad-size',
  'index-out-of-range',
  'size-out-of-order',
  // Proofs (RFC 9162 §2.1.3.2, §2.1.4.2).
  'bad-hash-length',
  'proof-length',
  'root-mismatch',
  'old-root-mismatch',
  // Signed notes (c2sp.org/signed-note).
  'note-encoding',
  'note-too-large',
  'note-no-signatures',
  'signature-line',
  'key-name',
  'too-many-signatures',
  // Checkpoint body (c2sp.org/tlog-checkpoint, plus our `time` extension line).
  'checkpoint-lines',
  'checkpoint-origin',
  'checkpoint-size',
  'checkpoint-root',
  'checkpoint-time',
  'checkpoint-extension',
  // Verification of signatures against configured keys.
  'origin-mismatch',
  'server-signature-missing',
  'signature-invalid',
  'signature-duplicate',
  'signature-unknown',
  'cosignature-time',
  'witness-quorum',
  // Keys and vkeys.
  'bad-key',
  // Log entries (canonical JSON, entry framing).
  'entry-kind',
  'entry-value',
  'entry-encoding',
] as const;

export type TlogErrorCode = (typeof tlogErrorCodes)[number];

export class TlogError extends Error {
  readonly code: TlogErrorCode;
  /** 1-based line of the note the problem is on, when it is about one line. */
  readonly line: number | undefined;

  constructor(code: TlogErrorCode, message: string, options: { line?: number; cause?: unknown } = {}) {
    super(options.line === undefined ? message : `line ${options.line}: ${message}`, { cause: options.cause });
    this.name = 'TlogError';
    this.code = code;
    this.line = options.line;
  }
}

/** The outcome of a check that attacker-controlled input can fail. */
export type Verified = { ok: true } | { ok: false; error: TlogError };

export const verified: Verified = Object.freeze({ ok: true }) as Verified;

export function refused(code: TlogErrorCode, message: string, options?: { line?: number }): Verified {
  return { ok: false, error: new TlogError(code, message, options) };
}
