// The transparency log core: RFC 9162 Merkle trees, proofs, C2SP checkpoints and log entries. Pure: signing keys
// and time come in as arguments; storage implements `TreeReader` (and persists `NodeBatch`es).
export { HASH_SIZE, copyHash, emptyRoot, hashChildren, hashLeaf, hashesEqual, rootFromLeafHashes } from './hash.js';
export {
  checkSize,
  foldNodes,
  isTreeSize,
  perfectSubtrees,
  planNodes,
  proofFromPlan,
  rootAt,
  rootPlan,
  type NodeId,
  type NodeLookup,
  type ProofPlan,
  type TreeReader,
} from './subtree.js';
export { inclusionPlan, inclusionProof, rootFromInclusionProof, verifyInclusion } from './inclusion.js';
export { consistencyPlan, consistencyProof, verifyConsistency } from './consistency.js';
export { CompactRange, batchNode, frontierNodes, type NodeBatch } from './compact-range.js';
export { MerkleTree } from './merkle-tree.js';
export { TlogError, tlogErrorCodes, type TlogErrorCode, type Verified } from './error.js';
export { canonicalJson, canonicalStoredJson, type JsonValue } from './canonical-json.js';
export { commitmentOf, isSealed, sealedRecordText, verifyOpening, type Opening } from './commitment.js';
export {
  ENTRY_VERSION,
  canonicalEntryLeafHash,
  decodeEntry,
  encodeCanonicalEntry,
  encodeEntry,
  entryKinds,
  entryLeafHash,
  isEntryKind,
  type Entry,
  type EntryKind,
} from './entry.js';
export {
  SIG_COSIGNATURE_V1,
  SIG_ED25519,
  ed25519Signer,
  encodeVkey,
  isKeyName,
  keyId,
  parseVkey,
  verifierFromPublicKey,
  type SignatureType,
  type Signer,
  type Verifier,
} from './keys.js';
export { formatNote, noteLimits, parseNote, signatureLine, type Note, type NoteSignature } from './note.js';
export { cosignatureLine, cosignatureMessage, cosignatureTimestamp, verifyCosignature } from './cosignature.js';
export {
  addCosignature,
  formatCheckpoint,
  parseCheckpoint,
  parseCheckpointText,
  signCheckpoint,
  verifyCheckpoint,
  type Checkpoint,
  type CheckpointVerification,
  type VerifyOptions,
} from './checkpoint.js';
export {
  HANDOVER_VERSION,
  LogKeyChain,
  createdRecord,
  handoverRecord,
  handoverStatement,
  logKeyVkey,
  readLogKeyRecord,
  sameLogKey,
  type ChainKey,
  type LogKeyCreated,
  type LogKeyHandover,
  type LogKeyRecord,
} from './log-key.js';
export { ALARM_VERSION, alarmReasons, signAlarm, verifyAlarm, type AlarmReason, type WitnessAlarm } from './alarm.js';
