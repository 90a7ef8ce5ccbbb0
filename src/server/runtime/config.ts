// Service: the environment the service is started with, read in one place and checked before
// anything is loaded. Every variable is documented in docs/operations.md; a bad value names itself.
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { rulesetsDir as repoRulesets, wasmPath as repoWasm } from '../../artifacts/artifacts.js';
import { parsePointer } from '../../audit/redact.js';
import type { DocsAccess } from '../http/auth.js';
import type { PressureOptions, RateLimitOptions } from '../http/limits.js';

/** ConfigError: an environment variable with a value the service cannot use. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** ServiceConfig: everything main.ts needs, from the environment. */
export interface ServiceConfig {
  port: number;
  host: string;
  logLevel: string;
  rulesetsDir: string;
  wasmPath: string;
  /** The working-day calendars the obligations read (default: the repo's policies/calendars). */
  calendarsDir?: string;
  keys: { file?: string; inline?: string };
  tls?: { certPath: string; keyPath: string };
  allowPlainHttp: boolean;
  trustProxy: boolean;
  docs: DocsAccess;
  bodyLimit: number;
  batchBodyLimit: number;
  batchMaxElements: number;
  evaluationTimeout: number;
  requestTimeout: number;
  rateLimit: RateLimitOptions | false;
  pressure: Required<PressureOptions>;
  ruleTests: boolean;
  operationsLog?: string;
  /** Processes serving (one per core by default); 1 serves from this process alone. */
  workers: number;
  /** This replica's name, written into its decision log file names (REPLICA_ID). */
  replicaId?: string;
  decisionLog?: {
    path: string;
    /** The signing key; `keyGiven` false: the default beside the log, made when missing. */
    privateKeyPath: string;
    keyGiven: boolean;
    drop: string[];
    mask: string[];
    resultMask: string[];
    checkpointEvery: number;
    checkpointIntervalMs: number;
    rotateBytes: number;
    rotateYearly: boolean;
  };
}

type Env = Record<string, string | undefined>;

/** configFromEnv reads and checks the environment. */
export function configFromEnv(env: Env = process.env): ServiceConfig {
  const int = (name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(raw)}`);
    return n;
  };
  const flag = (name: string): boolean => {
    const raw = env[name];
    if (raw === undefined || raw === '' || raw === '0' || raw === 'false') return false;
    if (raw === '1' || raw === 'true') return true;
    throw new ConfigError(`${name} must be 1/true or 0/false, not ${JSON.stringify(raw)}`);
  };
  const pointers = (name: string): string[] => {
    const raw = env[name];
    if (!raw) return [];
    let list: unknown;
    try {
      list = JSON.parse(raw);
    } catch {
      throw new ConfigError(
        `${name} must be a JSON array of JSON pointers, such as ["/institution/name"], not ${JSON.stringify(raw)}`,
      );
    }
    if (!Array.isArray(list) || !list.every((p) => typeof p === 'string'))
      throw new ConfigError(`${name} must be a JSON array of JSON pointers (strings)`);
    for (const p of list as string[])
      try {
        parsePointer(p);
      } catch (err) {
        throw new ConfigError(`${name}: ${(err as Error).message}`);
      }
    return list as string[];
  };

  const docs = env.DOCS ?? 'public';
  if (docs !== 'public' && docs !== 'private' && docs !== 'off')
    throw new ConfigError(`DOCS must be public, private or off, not ${JSON.stringify(docs)}`);
  if (Boolean(env.TLS_CERT) !== Boolean(env.TLS_KEY))
    throw new ConfigError('TLS_CERT and TLS_KEY go together: give both (PEM files) or neither');
  if (env.API_KEYS_FILE && env.API_KEYS) throw new ConfigError('give API_KEYS_FILE or API_KEYS, not both');
  const rulesetsDir = env.RULESETS_DIR ? withSlash(env.RULESETS_DIR) : repoRulesets;
  const rateMax = int('RATE_LIMIT_MAX', 600);
  const replicaId = env.REPLICA_ID || undefined;
  if (replicaId !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(replicaId))
    throw new ConfigError(
      `REPLICA_ID must be 1 to 64 letters, digits, _ or - (it names the decision log files), not ${JSON.stringify(replicaId)}`,
    );

  return {
    port: int('PORT', 3000, 0, 65535),
    host: env.HOST || '127.0.0.1',
    logLevel: env.LOG_LEVEL || 'info',
    rulesetsDir,
    wasmPath: env.POLICY_WASM || repoWasm,
    ...(env.CALENDARS_DIR ? { calendarsDir: withSlash(env.CALENDARS_DIR) } : {}),
    keys: { file: env.API_KEYS_FILE || undefined, inline: env.API_KEYS || undefined },
    ...(env.TLS_CERT && env.TLS_KEY ? { tls: { certPath: env.TLS_CERT, keyPath: env.TLS_KEY } } : {}),
    allowPlainHttp: flag('ALLOW_PLAIN_HTTP'),
    trustProxy: flag('TRUST_PROXY'),
    docs,
    bodyLimit: int('BODY_LIMIT', 1024 * 1024, 1024),
    batchBodyLimit: int('BATCH_BODY_LIMIT', 16 * 1024 * 1024, 1024),
    batchMaxElements: int('BATCH_MAX_ELEMENTS', 1000, 1),
    evaluationTimeout: int('EVALUATION_TIMEOUT_MS', 10_000, 1),
    requestTimeout: int('REQUEST_TIMEOUT_MS', 120_000, 1),
    rateLimit: rateMax === 0 ? false : { max: rateMax, windowMs: int('RATE_LIMIT_WINDOW_MS', 60_000, 1) },
    pressure: {
      maxEventLoopDelay: int('MAX_EVENT_LOOP_DELAY_MS', 1000),
      maxHeapUsedBytes: int('MAX_HEAP_USED_BYTES', 0),
      maxRssBytes: int('MAX_RSS_BYTES', 0),
      maxInFlight: int('MAX_IN_FLIGHT', 256),
      maxInFlightPerKey: int('MAX_IN_FLIGHT_PER_KEY', 32),
      retryAfter: int('RETRY_AFTER_SECONDS', 5, 1),
    },
    ruleTests: env.RELOAD_RULE_TESTS === undefined ? true : flag('RELOAD_RULE_TESTS'),
    operationsLog: env.OPERATIONS_LOG || undefined,
    workers: int('WORKERS', availableParallelism(), 1, 1024),
    ...(replicaId ? { replicaId } : {}),
    ...(env.DECISION_LOG
      ? {
          decisionLog: {
            path: env.DECISION_LOG,
            privateKeyPath: env.DECISION_LOG_KEY || join(dirname(env.DECISION_LOG), 'decision-key.pem'),
            keyGiven: Boolean(env.DECISION_LOG_KEY),
            drop: pointers('DECISION_LOG_DROP'),
            mask: pointers('DECISION_LOG_MASK'),
            resultMask: pointers('DECISION_LOG_RESULT_MASK'),
            checkpointEvery: int('DECISION_LOG_CHECKPOINT_EVERY', 1000),
            checkpointIntervalMs: int('DECISION_LOG_CHECKPOINT_MS', 1000),
            rotateBytes: int('DECISION_LOG_ROTATE_BYTES', 0),
            rotateYearly: env.DECISION_LOG_ROTATE_YEARLY === undefined ? true : flag('DECISION_LOG_ROTATE_YEARLY'),
          },
        }
      : {}),
  };
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
