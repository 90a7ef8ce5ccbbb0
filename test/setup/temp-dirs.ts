// Vitest setup, per test file: every temporary folder a test makes (with os.tmpdir(), in this process or
// a child it starts) lands in one folder of its own, removed when the file's tests are done.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const outer = tmpdir();
const mine = mkdtempSync(join(outer, 'credit-policy-test-'));
process.env.TMPDIR = mine;

afterAll(() => {
  process.env.TMPDIR = outer;
  rmSync(mine, { recursive: true, force: true });
});
