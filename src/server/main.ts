#!/usr/bin/env node
// Service entry point (`npm start`): loads the repo's rules and compiled policy, listens on
// HOST:PORT (127.0.0.1:3000 by default) and shuts down gracefully on SIGTERM or SIGINT.
import { rulesetsDir, wasmPath } from '../build/paths.js';
import { EngineError } from '../engine/errors.js';
import { Rater } from '../rating/rater.js';
import { RulesError } from '../rules/diagnostics.js';
import { onSignals, serve } from './serve.js';

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`PORT must be a port number, not ${JSON.stringify(process.env.PORT)}`);
  const host = process.env.HOST ?? '127.0.0.1';
  const rater = await Rater.load(rulesetsDir, wasmPath);
  const serving = await serve({ rater, port, host, logger: { level: process.env.LOG_LEVEL ?? 'info' } });
  onSignals(serving);
}

main().catch((err: unknown) => {
  const known = err instanceof RulesError || err instanceof EngineError || err instanceof RangeError;
  process.stderr.write(known ? `cannot start: ${(err as Error).message}\n` : `cannot start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = known ? 2 : 70;
});
