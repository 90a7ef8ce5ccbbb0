// Audit stage: the lines of a decision log. A decision entry names the rules (id and hash) and the
// input (its hash, and the input unless dropped) of one rating, and is chained to the entry before
// it by hash; a checkpoint line signs the head of the chain. Both are written as canonical JSON.
import type {
  Checkpoint,
  CheckpointBody,
  DecisionEntry,
  RepairEntry,
} from '../../generated/types/audit/decision-log.js';
import { canonicalHash, sha256Text } from './canonical.js';

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

/** entryFields: the members every decision entry has (its input may be dropped; the rest never is). */
export const entryFields = [
  'seq',
  'time',
  'caller',
  'rulesetId',
  'rulesetHash',
  'inputHash',
  'result',
  'prevHash',
  'hash',
] as const;

/** missingEntryFields lists the members of a decision entry that a line (neither checkpoint nor repair) lacks. */
export function missingEntryFields(line: object): string[] {
  return entryFields.filter((k) => !(k in line));
}

/** wholeSeq: a seq is a whole number from 1 (a line's seq is reported as an entry number). */
export function wholeSeq(seq: unknown): seq is number {
  return Number.isSafeInteger(seq) && (seq as number) >= 1;
}

/** isRepair tells a repair link from a decision entry. */
export function isRepair(line: unknown): line is RepairEntry {
  return line !== null && typeof line === 'object' && 'repair' in line;
}

// The line as written is canonical JSON; its hash is that text without the `hash` member. A line
// rewritten in another (equivalent) form is checked the slow way, over its canonical form.
export function hashHolds(text: string, e: { hash: string }): boolean {
  const member = `"hash":${JSON.stringify(e.hash)}`;
  const at = text.indexOf(member);
  if (at > 0) {
    const withComma = text[at - 1] === ',' ? at - 1 : at;
    const end = withComma === at ? at + member.length + 1 : at + member.length;
    const rest = text.slice(0, withComma) + text.slice(end);
    if (sha256Text(rest) === e.hash) return true;
  }
  return entryHash(e as DecisionEntry) === e.hash;
}

/** inputHolds: the entry's input has the hash it names (as written, or in canonical form). */
export function inputHolds(e: DecisionEntry): boolean {
  const fast = sha256Text(JSON.stringify(e.input));
  return fast === e.inputHash || canonicalHash(e.input) === e.inputHash;
}
