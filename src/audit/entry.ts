// Audit stage: the lines of a decision log. A decision entry names the rules (id and hash) and the
// input (its hash, and the input unless dropped) of one rating, and is chained to the entry before
// it by hash; a checkpoint line signs the head of the chain. Both are written as canonical JSON.
import type { Checkpoint, CheckpointBody, DecisionEntry } from '../../generated/types/audit/decision-log.js';
import { canonicalHash } from './canonical.js';

/** genesisHash is the prevHash of the first entry of a log. */
export const genesisHash = `sha256:${'0'.repeat(64)}`;

/** DecisionEntry, Checkpoint (and its signed CheckpointBody): the two kinds of line (schemas/audit). */
export type { Checkpoint, CheckpointBody, DecisionEntry };

/** entryHash is what `hash` must be: the canonical hash of every other field. */
export function entryHash(entry: Omit<DecisionEntry, 'hash'> & { hash?: string }): string {
  const { hash: _, ...rest } = entry;
  return canonicalHash(rest);
}

/** isCheckpoint tells a checkpoint line from an entry line. */
export function isCheckpoint(line: unknown): line is Checkpoint {
  return line !== null && typeof line === 'object' && 'checkpoint' in line;
}
