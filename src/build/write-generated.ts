// Build stage: writes generated files atomically (temp file + rename), so an interrupted build never
// leaves a half-written artifact behind.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { repoRoot } from '../artifacts/artifacts.js';

export async function writeAtomically(relativePath: string, content: string | Uint8Array): Promise<void> {
  const target = repoRoot + relativePath;
  await mkdir(dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}.tmp`;
  await writeFile(temp, content);
  await rename(temp, target);
}
