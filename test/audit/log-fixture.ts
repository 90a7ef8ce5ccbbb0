// Test helper for the decision log tests: a fresh folder, log, key and public key per test, the
// decisions they append (the n-th of a few different cases), and reading and rewriting the log's lines.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, beforeEach } from 'vitest';
import { readPublicKey } from '../../src/audit/keys.js';
import { createDecisionLog, type Decision, type DecisionLogOptions } from '../../src/audit/log.js';
import type { Rater } from '../../src/rating/rater.js';
import { caseWith, loadRater } from '../helper.js';

export interface LogFixture {
  rater: Rater;
  dir: string;
  log: string;
  key: string;
  pub: string;
  /** decision: the n-th of a few different cases, rated, as an append takes it. */
  decision(n: number): Decision;
  /** open: the log with a key made beside it and a checkpoint every `checkpointEvery` entries. */
  open(options?: Partial<DecisionLogOptions>): ReturnType<typeof createDecisionLog>;
  /** writeLog: `count` decisions appended one after the other, then the log closed. */
  writeLog(count: number, options?: Partial<DecisionLogOptions>): Promise<void>;
  lines(path?: string): Promise<string[]>;
  setLines(ls: string[]): Promise<void>;
  pinned(): Promise<{ publicKey: Awaited<ReturnType<typeof readPublicKey>> }>;
}

/**
 * useLogFixture registers the setup (a rater once; a new folder before each test) and returns the
 * fixture, whose paths are those of the running test.
 */
export function useLogFixture(
  name: string,
  defaults: { checkpointEvery: number; circumstances?: boolean },
): LogFixture {
  const f = {
    decision(n: number): Decision {
      const input = caseWith(
        { '1.1': { organisationDeficiencies: n % 5 } },
        defaults.circumstances ? { circumstances: { seriousViolationsOfOneType: n % 2 } } : {},
      );
      const outcome = f.rater.evaluate(input);
      if (!outcome.ok) throw new Error('the test case was refused');
      return { caller: `test-${n}`, input, result: outcome.result };
    },
    open: (options: Partial<DecisionLogOptions> = {}) =>
      createDecisionLog({
        path: f.log,
        privateKeyPath: f.key,
        createKey: true,
        checkpointEvery: defaults.checkpointEvery,
        ...options,
      }),
    async writeLog(count: number, options: Partial<DecisionLogOptions> = {}) {
      const l = await f.open(options);
      for (let n = 1; n <= count; n++) await l.append(f.decision(n));
      await l.close();
    },
    lines: async (path?: string) => (await readFile(path ?? f.log, 'utf8')).split('\n').filter(Boolean),
    setLines: (ls: string[]) => writeFile(f.log, ls.map((l) => `${l}\n`).join('')),
    pinned: async () => ({ publicKey: await readPublicKey(f.pub) }),
  } as LogFixture;
  beforeAll(async () => {
    f.rater = await loadRater();
  });
  beforeEach(async () => {
    f.dir = await mkdtemp(join(tmpdir(), `credit-policy-${name}-`));
    f.log = join(f.dir, 'decisions.jsonl');
    f.key = join(f.dir, 'signing.pem');
    f.pub = join(f.dir, 'signing.pub.pem');
  });
  return f;
}
