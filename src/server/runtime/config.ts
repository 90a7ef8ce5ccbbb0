// Service: the environment the service is started with, read in one place and checked before
// anything is loaded. schemas/config/service.schema.json names every variable with its default and
// range (docs/operations.md explains them); a bad value names itself and what is allowed.
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { rulesetsDir as repoRulesets, wasmPath as repoWasm } from '../../artifacts/artifacts.js';
import type { ServiceSettings } from '../../../generated/types/config/service.js';
import { resultPointerProblem } from '../../audit/result-pointers.js';
import { readSchema } from '../../validation/ajv.js';
import type { RateLimitOptions } from '../http/limits.js';
import { EnvError, readEnv } from './env.js';

/** ConfigError: an environment variable with a value the service cannot use. */
export { EnvError as ConfigError };

/** configSchema: every setting, its variable and its default, written once (schemas/config). */
const configSchema = readSchema('config/service.schema.json');

/**
 * ServiceConfig: everything main.ts needs, from the environment. The folders default to the repo's own,
 * found at run time; a RATE_LIMIT_MAX of 0 turns rate limiting off.
 */
export type ServiceConfig = Omit<
  ServiceSettings,
  'rulesetsDir' | 'wasmPath' | 'rateLimit' | 'workers' | 'decisionLog'
> & {
  rulesetsDir: string;
  wasmPath: string;
  rateLimit: RateLimitOptions | false;
  workers: number;
  /** The signing key defaults to one beside the log (`keyGiven` false), made when missing. */
  decisionLog?: DecisionLogSettings & { privateKeyPath: string; keyGiven: boolean };
};

type DecisionLogSettings = NonNullable<ServiceSettings['decisionLog']>;

/** configFromEnv reads and checks the environment against the config schema. */
export function configFromEnv(env: Record<string, string | undefined> = process.env): ServiceConfig {
  const settings = readEnv<ServiceSettings>(configSchema, env);
  if (settings.keys.file && settings.keys.inline) throw new EnvError('give API_KEYS_FILE or API_KEYS, not both');
  if (settings.decisionLog) checkMasks(settings.decisionLog);
  const { rateLimit, rulesetsDir, wasmPath, calendarsDir, workers, decisionLog, ...rest } = settings;
  return {
    ...rest,
    rulesetsDir: rulesetsDir ? withSlash(rulesetsDir) : repoRulesets,
    wasmPath: wasmPath ?? repoWasm,
    ...(calendarsDir ? { calendarsDir: withSlash(calendarsDir) } : {}),
    rateLimit: rateLimit.max === 0 ? false : rateLimit,
    workers: workers ?? availableParallelism(),
    ...(decisionLog
      ? {
          decisionLog: {
            ...decisionLog,
            privateKeyPath: decisionLog.privateKeyPath ?? join(dirname(decisionLog.path), 'decision-key.pem'),
            keyGiven: decisionLog.privateKeyPath !== undefined,
          },
        }
      : {}),
  };
}

// The result masks are held against the result's schema; a wildcard in an input pointer is refused
// (only the result's evidence rows sit at indexes that change from one decision to the next).
function checkMasks(log: DecisionLogSettings): void {
  for (const pointer of log.resultMask) {
    const problem = resultPointerProblem(pointer);
    if (problem)
      throw new EnvError(
        `DECISION_LOG_RESULT_MASK: ${problem}. Allowed: JSON pointers to fields of the result (schemas/rating/result.schema.json), a * segment standing for every element, such as "/institution/name" or "/items/*/deductions/*/evidence/rows/*/key"`,
      );
  }
  for (const [name, pointers] of [
    ['DECISION_LOG_DROP', log.drop],
    ['DECISION_LOG_MASK', log.mask],
  ] as const)
    for (const pointer of pointers)
      if (pointer.split('/').includes('*'))
        throw new EnvError(
          `${name}: "${pointer}" has a * segment; input pointers name one field each (a * segment is allowed in DECISION_LOG_RESULT_MASK only)`,
        );
}

/** isLoopback: whether a HOST only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1';
  return false;
}

function withSlash(dir: string): string {
  return dir.endsWith('/') ? dir : join(dir, '/');
}

/** replicaLogPath: the decision log file of one worker of one replica: `decisions.jsonl` alone, else `decisions.<replica>-w<i>.jsonl`. */
export function replicaLogPath(path: string, replicaId: string | undefined, worker: number, workers: number): string {
  if (!replicaId && workers <= 1) return path;
  const name = [replicaId, workers > 1 ? `w${worker}` : undefined].filter(Boolean).join('-');
  return path.endsWith('.jsonl') ? `${path.slice(0, -'.jsonl'.length)}.${name}.jsonl` : `${path}.${name}.jsonl`;
}
