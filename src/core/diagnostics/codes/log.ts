import { define } from '../definition.js';

/** Codes of the `log` section (the transparency log's witnesses and quorum, issue 16): G1240-G1249, G1580-G1589. */
export const logCodes = [
  define(
    'structure',
    1240,
    'log-quorum-unreachable',
    'error',
    'The log quorum is {quorum}, but the package names {witnesses} witness(es): no checkpoint could ever be accepted',
    'Lower `log.quorum` to at most the number of `log.witnesses`, or name more witnesses.',
  ),
  define(
    'structure',
    1241,
    'log-witness-vkey',
    'error',
    'This is not a witness key: {reason}',
    'Give the vkey `guarantor witness --witness-key FILE --name NAME` printed: name+keyid+base64 of a cosignature/v1 (type 0x04) Ed25519 key.',
  ),
  define(
    'structure',
    1242,
    'log-witness-duplicate',
    'error',
    'This witness has the same {what} as witness {first}: a witness counted twice toward the quorum',
    'Each witness has its own name and its own key; remove the duplicate.',
  ),
  define(
    'reference',
    1580,
    'log-witness-unknown-actor',
    'error',
    'The witness is run by `{ref}`, which is not a declared actor',
    'Name a declared actor under `actor`, or leave it out.',
  ),
];
