// Rules stage: content hashes that tie a decision to the exact bytes of the rules that made it.
import { createHash } from 'node:crypto';

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** hashFiles hashes named contents in name order; renaming or editing any file changes the hash. */
export function hashFiles(files: { name: string; content: string | Uint8Array }[]): string {
  return hashDigests(files.map((f) => ({ name: f.name, sha256: sha256(f.content) })));
}

/** hashDigests is hashFiles for files whose sha256 is already known (a RuleSet's `files`). */
export function hashDigests(files: { name: string; sha256: string }[]): string {
  const h = createHash('sha256');
  for (const f of [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    h.update(f.name).update('\u0000').update(f.sha256).update('\n');
  }
  return `sha256:${h.digest('hex')}`;
}
