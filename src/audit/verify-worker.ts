// Audit stage, in a worker thread of verify-log: reads the entries of one block of whole log lines from
// their bytes (fastEntry: the hash over the line, the input hash over the input) and hands the block
// back with what it found per line, so the main thread only checks the order of the chain.
import { Piscina } from 'piscina';
import { type FastEntry, fastEntry } from './fast-entry.js';

export interface VerifyBlock {
  buffer: ArrayBuffer;
  length: number;
}

export interface CheckedBlock {
  buffer: ArrayBuffer;
  length: number;
  /** Per line of the block, in order: the entry, or null when the parsing path must decide. */
  entries: (FastEntry | null)[];
}

export default function checkBlock({ buffer, length }: VerifyBlock) {
  const b = Buffer.from(buffer, 0, length);
  const entries: (FastEntry | null)[] = [];
  for (let from = 0, nl = b.indexOf(10); nl !== -1; from = nl + 1, nl = b.indexOf(10, from))
    entries.push(fastEntry(b.subarray(from, nl)) ?? null);
  // The block goes back moved, not copied: the main thread reads the lines the parsing path needs from it.
  const answer: CheckedBlock = { buffer, length, entries };
  return Piscina.move({
    [Piscina.transferableSymbol]: buffer,
    [Piscina.valueSymbol]: answer,
  } as never);
}
