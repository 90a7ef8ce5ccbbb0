// Vitest global setup: the CLI and service tests run dist/, so a `npx vitest` after a source edit must
// not test yesterday's build. When any source file is newer than its compiled file, build first.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;

function stale(): string | undefined {
  for (const file of readdirSync(join(root, 'src'), { recursive: true }) as string[]) {
    if (!file.endsWith('.ts') || file.endsWith('.d.ts')) continue;
    const built = join(root, 'dist', file.replace(/\.ts$/, '.js'));
    let builtAt: number;
    try {
      builtAt = statSync(built).mtimeMs;
    } catch {
      return file;
    }
    if (statSync(join(root, 'src', file)).mtimeMs > builtAt) return file;
  }
  return undefined;
}

export default function setup(): void {
  const changed = stale();
  if (!changed) return;
  process.stderr.write(`dist/ is older than src/${changed}: building (tsc) before the tests …\n`);
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], {
    stdio: 'inherit',
  });
}
