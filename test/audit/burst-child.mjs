// A child process for the kill -9 test: appends decisions from many concurrent callers as fast as the
// log takes them, printing "seq hash" for each one acknowledged, until it is killed.
import { createDecisionLog } from '../../dist/audit/log.js';

const [path, key] = process.argv.slice(2);
const log = await createDecisionLog({ path, privateKeyPath: key, createKey: true, checkpointEvery: 50 });
const result = { ruleset: { id: 'yinfa-2018-102', hash: 'sha256:test' }, score: 90 };
let n = 0;
async function caller() {
  for (;;) {
    const e = await log.append({ caller: `c${n}`, input: { n: n++ }, result });
    process.stdout.write(`${e.seq} ${e.hash}\n`);
  }
}
await Promise.all(Array.from({ length: 16 }, caller));
