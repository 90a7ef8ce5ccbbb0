// Audit stage: the lines of a decision log. A decision entry names the rules (id and hash) and the
// input (its hash, and the input unless dropped) of one rating, and is chained to the entry before
// it by hash; a checkpoint line signs the head of the chain. Both are written as canonical JSON.
import type {
  Checkpoint,
  CheckpointBody,
  DecisionEntry,
  RepairEntry,
} from '../../generated/types/audit/decision-log.js';
import { canonicalHash } from './canonical.js';

/** genesisHash is the prevHash of the first entry of a log. */
export const genesisHash = `sha256:${'0'.repeat(64)}`;

/** DecisionEntry, RepairEntry, Checkpoint (and its signed CheckpointBody): the kinds of line (schemas/audit). */
export type { Checkpoint, CheckpointBody, DecisionEntry, RepairEntry };

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
