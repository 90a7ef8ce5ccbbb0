// Audit stage: the lines of a decision log. A decision entry names the rules (id and hash) and the
// input (its hash, and the input unless dropped) of one rating, and is chained to the entry before
// it by hash; a checkpoint line signs the head of the chain. Both are written as canonical JSON.
import { canonicalHash } from './canonical.js';

/** genesisHash is the prevHash of the first entry of a log. */
export const genesisHash = `sha256:${'0'.repeat(64)}`;

/** DecisionEntry: one line of the log, one rating. */
export interface DecisionEntry {
  seq: number;
  /** ISO 8601 time the entry was appended. */
  time: string;
  /** Who asked: a CLI user, a request id, a client name. */
  caller: string;
  rulesetId: string;
  rulesetHash: string;
  /** canonicalHash of the whole input, before anything was dropped or masked. */
  inputHash: string;
  /** The client's Idempotency-Key, when it sent one. */
  idempotencyKey?: string;
  /** The input, less what the log was configured to drop or mask. */
  input?: unknown;
  /** What was left out of `input` (and masked in `result`), by JSON pointer; absent when both are whole. */
  redacted?: { dropped: string[]; masked: string[]; resultMasked?: string[] };
  result: unknown;
  prevHash: string;
  /** canonicalHash of this entry without `hash`. */
  hash: string;
}

/**
 * RepairEntry: a link of the chain that records a repair made when the log was opened: a torn last line
 * (an interrupted write, never acknowledged) moved aside to the file `movedTo`, so the chain itself says
 * that bytes were taken out, how many, and their hash.
 */
export interface RepairEntry {
  seq: number;
  time: string;
  repair: { kind: 'torn-line'; bytes: number; sha256: string; movedTo: string };
  prevHash: string;
  hash: string;
}

/** CheckpointBody: the chain head at one entry, as signed. */
export interface CheckpointBody {
  seq: number;
  head: string;
  time: string;
  /** sha256 of the signing key's SubjectPublicKeyInfo (DER). */
  keyId: string;
  /** The signing public key (SPKI DER, base64), so a copy of the log can be checked on its own. */
  publicKey: string;
}

/** Checkpoint: one checkpoint line; `signature` is Ed25519 over the canonical JSON of `checkpoint`. */
export interface Checkpoint {
  checkpoint: CheckpointBody;
  signature: string;
}

/** entryHash is what `hash` must be: the canonical hash of every other field. */
export function entryHash(
  entry: (Omit<DecisionEntry, 'hash'> | Omit<RepairEntry, 'hash'>) & { hash?: string },
): string {
  const { hash: _, ...rest } = entry;
  return canonicalHash(rest);
}

/** isCheckpoint tells a checkpoint line from an entry line. */
export function isCheckpoint(line: unknown): line is Checkpoint {
  return line !== null && typeof line === 'object' && 'checkpoint' in line;
}

/** isRepair tells a repair link from a decision entry. */
export function isRepair(line: unknown): line is RepairEntry {
  return line !== null && typeof line === 'object' && 'repair' in line;
}
