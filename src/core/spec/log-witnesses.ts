/**
 * The log's witnesses (docs/language.md "Log witnesses"): the parties agree, in the package they sign, whose
 * cosignatures make a checkpoint of the transparency log trusted, and how many must cosign. `guarantor log verify
 * --package` takes both from here, so a client never learns whom to trust from the server it checks.
 * Kept apart from schema.ts, which only mounts the section.
 */
import * as z from 'zod';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../diagnostics/make.js';
import { SIG_COSIGNATURE_V1, parseVkey } from '../tlog/keys.js';
import type { SourceFile } from './source.js';

export const logWitnessSchema = z.strictObject({
  vkey: z.string().meta({
    description: "The witness's cosignature/v1 verifier key: name+keyid+base64 (guarantor witness prints it)",
  }),
  actor: z
    .string()
    .optional()
    .meta({ description: 'The actor that runs this witness (a guarantor or a party), for the record' }),
});

export const logSchema = z.strictObject({
  witnesses: z.array(logWitnessSchema).default([]),
  quorum: z
    .int()
    .min(0)
    .default(0)
    .meta({ description: 'How many of the witnesses must cosign a checkpoint for a client to accept it' }),
});

export type LogWitnesses = z.output<typeof logSchema>;

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => x !== null && typeof x === 'object' && !Array.isArray(x);

/** Each vkey a witness key, no witness twice, actors declared, and a quorum the witnesses can meet. */
export function checkLogWitnesses(raw: Obj, source: SourceFile): Diagnostic[] {
  const log = raw['log'];
  if (!isObj(log)) return [];
  const out: Diagnostic[] = [];
  const file = source.file;
  const actors = isObj(raw['actors']) ? raw['actors'] : {};
  const witnesses = Array.isArray(log['witnesses']) ? log['witnesses'] : [];
  const seen = new Map<string, number>();
  witnesses.forEach((w, i) => {
    if (!isObj(w)) return;
    const at = ['log', 'witnesses', i];
    if (typeof w['vkey'] === 'string') {
      const v = parseVkey(w['vkey'].trim());
      if (!v.ok || v.verifier.type !== SIG_COSIGNATURE_V1)
        out.push(
          makeDiagnostic('log-witness-vkey', file, source.span([...at, 'vkey']), {
            reason: v.ok ? 'it is not a cosignature/v1 (type 0x04) key' : v.error.message,
          }),
        );
      else {
        const key = `key ${Buffer.from(v.verifier.publicKey).toString('hex')}`;
        const name = `name ${v.verifier.name}`;
        const first = seen.get(key) ?? seen.get(name);
        if (first !== undefined)
          out.push(
            makeDiagnostic('log-witness-duplicate', file, source.span([...at, 'vkey']), {
              what: seen.has(key) ? 'key' : 'name',
              first,
            }),
          );
        seen.set(key, seen.get(key) ?? i);
        seen.set(name, seen.get(name) ?? i);
      }
    }
    if (typeof w['actor'] === 'string' && !isObj(actors[w['actor']]))
      out.push(makeDiagnostic('log-witness-unknown-actor', file, source.span([...at, 'actor']), { ref: w['actor'] }));
  });
  const quorum = log['quorum'];
  if (typeof quorum === 'number' && quorum > witnesses.length)
    out.push(
      makeDiagnostic('log-quorum-unreachable', file, source.span(['log', 'quorum']), {
        quorum,
        witnesses: witnesses.length,
      }),
    );
  return out;
}
