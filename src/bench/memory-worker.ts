// Bench, in a worker thread of the bench process: a share of the memory run's evaluations, with
// its own Rater, reporting after each tenth so the main thread samples the process's RSS then.
import { parentPort, workerData } from 'node:worker_threads';
import { rulesetsDir, wasmPath } from '../artifacts/artifacts.js';
import { Rater } from '../rating/rater.js';
import { generateCases } from './cases.js';

export interface MemoryWork {
  evaluations: number;
  seed: number;
}

export type MemoryReport = { ready: true } | { tenth: number } | { done: true };

const { evaluations, seed } = workerData as MemoryWork;
const rater = await Rater.load(rulesetsDir, wasmPath);
const inputs = generateCases(rater.registry.rulesets[0], 600, seed).map((c) => c.input);
const tell = (r: MemoryReport) => parentPort!.postMessage(r);
tell({ ready: true });
// Wait for the go, so "before" is read with every worker loaded and none evaluating yet.
await new Promise((resolve) => parentPort!.once('message', resolve));
const step = Math.max(1, Math.floor(evaluations / 10));
for (let i = 0; i < evaluations; i++) {
  const outcome = rater.evaluate(inputs[i % inputs.length]);
  if (!outcome.ok) throw new Error(`bench input ${i % inputs.length} was refused`);
  if ((i + 1) % step === 0) tell({ tenth: (i + 1) / step });
}
(globalThis as { gc?: () => void }).gc?.();
tell({ done: true });
