/**
 * A witness's alarm: its signed report that the log showed it a fork, a rollback or a split view, with the signed
 * checkpoints that prove it. The server logs it (kind `witness-alarm`) after checking the signature against the
 * witness's registered key; the evidence needs no trust in anyone (two log-signed checkpoints that no consistency
 * proof joins). The signature is Ed25519 by the witness key over
 *
 *     guarantor-witness-alarm/v1 LF <canonical JSON of the alarm without `signature`>
 *
 * (a prefix no cosignature/v1 message has, so an alarm can never be replayed as a cosignature or back).
 */
import { decodeBase64, encodeBase64 } from './base64.js';
import { canonicalJson } from './canonical-json.js';
import type { Signer, Verifier } from './keys.js';

export const ALARM_VERSION = 'guarantor-witness-alarm/v1';
export const alarmReasons = ['fork', 'rollback', 'split-view', 'bad-proof'] as const;
export type AlarmReason = (typeof alarmReasons)[number];

export interface WitnessAlarm {
  witness: string;
  reason: AlarmReason;
  message: string;
  /** ISO 8601, when the witness saw it. */
  at: string;
  /** Signed checkpoint notes: the one the witness held and the one(s) that contradict it. */
  checkpoints: string[];
  /** base64 Ed25519 signature by the witness key. */
  signature: string;
}

const encoder = new TextEncoder();

function message(a: Omit<WitnessAlarm, 'signature'>): Uint8Array {
  const { witness, reason, message: text, at, checkpoints } = a;
  return encoder.encode(`${ALARM_VERSION}\n${canonicalJson({ witness, reason, message: text, at, checkpoints })}`);
}

export function signAlarm(a: Omit<WitnessAlarm, 'signature'>, witness: Signer): WitnessAlarm {
  return { ...a, signature: encodeBase64(witness.sign(message(a))) };
}

export function verifyAlarm(a: WitnessAlarm, witness: Verifier): boolean {
  const sig = decodeBase64(a.signature);
  return !!sig && witness.verify(message(a), sig);
}
