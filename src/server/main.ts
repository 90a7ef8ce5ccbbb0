#!/usr/bin/env node
// Service entry point (`npm start`): reads the environment (config.ts), loads and checks the rules,
// the keys and the logs, listens on HOST:PORT (127.0.0.1:3000 by default, HTTPS with TLS_CERT and
// TLS_KEY), reloads on SIGHUP and shuts down gracefully on SIGTERM or SIGINT. With no keys configured
// it makes one for this run, prints it once, and refuses to listen beyond loopback.
import { readFile } from 'node:fs/promises';
import type { Server as HttpsServer } from 'node:https';
import { KeyError } from '../audit/keys.js';
import cluster from 'node:cluster';
import { createServer } from 'node:net';
import { LogError } from '../audit/log.js';
import { generateSecret, hashSecret, scopes } from '../security/api-keys.js';
import { KeysError } from '../security/keys-file.js';
import { KeyStore } from '../security/key-store.js';
import { describeWorker } from './app.js';
import { ipcIdempotencyStore, runPrimary, workerLink } from './cluster.js';
import { ConfigError, configFromEnv, isLoopback, replicaLogPath, type ServiceConfig } from './runtime/config.js';
import { openDecisionLog, prepareSigningKey } from './runtime/decision-log.js';
import { removeProtoAccessor } from './runtime/harden.js';
import { LiveRules, VersionRefused } from './runtime/live-rules.js';
import { checkOperationsLog, fileOperationsLog, OperationsLogError } from './runtime/operations-log.js';
import { reloadService } from './runtime/reload.js';
import { onSignals, type Serving, serve } from './serve.js';

removeProtoAccessor();

/** localUser: the name of the key made for a first run without keys. */
const localUser = 'local';

// A SIGHUP before the service listens is kept for later rather than ending the process.
let early = false;
const earlyHup = () => {
  early = true;
};
process.on('SIGHUP', earlyHup);

async function main(): Promise<void> {
  const config = configFromEnv();
  const { keys, secret } = await loadKeys(config);
  checkExposure(config, secret);
  if (cluster.isPrimary && config.workers > 1) return runWorkers(config, secret);
  const index = cluster.isWorker ? Number(process.env.CREDIT_POLICY_WORKER) : 1;
  const workers = cluster.isWorker ? config.workers : 1;
  const live = await LiveRules.load({
    rulesetsDir: config.rulesetsDir,
    wasmPath: config.wasmPath,
    ruleTests: config.ruleTests,
    ...(config.calendarsDir ? { obligations: { calendarsDir: config.calendarsDir } } : {}),
  });
  const warnings: string[] = [];
  const decisionLog = config.decisionLog
    ? await openDecisionLog(
        config.decisionLog,
        replicaLogPath(config.decisionLog.path, config.replicaId, index, workers),
        (m) => warnings.push(m),
        config.decisionLog.checkpointExport &&
          replicaLogPath(config.decisionLog.checkpointExport, config.replicaId, index, workers),
      )
    : undefined;
  const worker = { index, ...(config.replicaId ? { replica: config.replicaId } : {}) };
  let link: ReturnType<typeof workerLink> | undefined;
  let serving: Serving | undefined;
  if (cluster.isWorker)
    link = workerLink({
      reload: async (trigger) => {
        if (serving) await reload(serving, config, trigger);
      },
      status: () => describeWorker(live, decisionLog, worker),
      shutdown: async (reason) => {
        await serving?.shutdown(reason);
        process.exit(0);
      },
    });
  serving = await serve({
    ...(await serveOptions(config)),
    rater: live,
    keys,
    decisionLog,
    worker,
    ...(link ? { cluster: link.link, idempotency: ipcIdempotencyStore() } : {}),
  });
  logRepairs(serving, warnings);
  if (link) {
    // The primary passes signals on; a worker's own handlers would act twice on a terminal's Ctrl-C.
    link.ready(serving.url);
    process.off('SIGHUP', earlyHup);
    process.on('SIGHUP', () => undefined);
    onSignals(serving);
    return;
  }
  if (secret) announceLocalKey(serving.url, secret);
  onSignals(serving);
  onReloadSignal(serving, config);
}

/** checkExposure refuses to listen beyond loopback without API keys, or with them in clear text. */
function checkExposure(config: ServiceConfig, secret: string | undefined): void {
  if (isLoopback(config.host)) return;
  if (secret)
    throw new ConfigError(
      `HOST=${config.host} is not a loopback address, and no API keys are configured: make one with \`credit-policy keys add <name> --scopes evaluate,read --file keys.json\` and set API_KEYS_FILE=keys.json`,
    );
  if (!config.tls && !config.allowPlainHttp)
    throw new ConfigError(
      `HOST=${config.host} would carry API keys in clear over the network: give TLS_CERT and TLS_KEY, or set ALLOW_PLAIN_HTTP=1 when a TLS-terminating proxy sits in front`,
    );
}

/** runWorkers: the primary of several workers checks once what they share, forks them, and exits with them. */
async function runWorkers(config: ServiceConfig, secret: string | undefined): Promise<void> {
  // An operator's mistake is said once, by the primary, before any worker is started.
  if (config.operationsLog) checkOperationsLog(config.operationsLog);
  if (config.port !== 0) await checkPortFree(config.host, config.port);
  // The signing key is made (or found missing) once, before any worker opens its chain.
  if (config.decisionLog) await prepareSigningKey(config.decisionLog);
  process.off('SIGHUP', earlyHup);
  const code = await runPrimary({
    workers: config.workers,
    logLevel: config.logLevel,
    env: secret ? { [localKeyVariable]: secret } : {},
    onReady: (url) => {
      if (secret) announceLocalKey(url, secret);
    },
  });
  process.exit(code);
}

/** serveOptions: what the service is configured with, as `serve` takes it. */
async function serveOptions(config: ServiceConfig) {
  return {
    port: config.port,
    host: config.host,
    logger: { level: config.logLevel },
    https: config.tls ? await readTls(config.tls) : undefined,
    trustProxy: config.trustProxy,
    docs: config.docs,
    bodyLimit: config.bodyLimit,
    batchBodyLimit: config.batchBodyLimit,
    batchMaxElements: config.batchMaxElements,
    evidenceBodyLimit: config.evidenceBodyLimit,
    evaluationTimeout: config.evaluationTimeout,
    derivationTimeout: config.derivationTimeout,
    requestTimeout: config.requestTimeout,
    rateLimit: config.rateLimit,
    pressure: config.pressure,
    operationsLog: config.operationsLog ? fileOperationsLog(config.operationsLog) : undefined,
  };
}

/** logRepairs: what opening the decision log repaired, in the service log and the operations log. */
function logRepairs(serving: Serving, warnings: string[]): void {
  for (const message of warnings) {
    serving.app.log.warn(message);
    serving.app.operations.write({
      time: new Date().toISOString(),
      caller: null,
      action: 'decision-log',
      outcome: 'repaired',
      message,
    });
  }
}

/** localKeyVariable carries the key made for a first run from the primary to its workers. */
const localKeyVariable = 'CREDIT_POLICY_LOCAL_KEY';

/** loadKeys reads API_KEYS_FILE or API_KEYS; with neither, it makes a key for this run only. */
async function loadKeys(config: ServiceConfig): Promise<{ keys: KeyStore; secret?: string }> {
  if (config.keys.file) return { keys: await KeyStore.fromFile(config.keys.file) };
  if (config.keys.inline) return { keys: KeyStore.fromText(config.keys.inline) };
  const secret = process.env[localKeyVariable] || generateSecret();
  return {
    keys: new KeyStore([{ name: localUser, hash: hashSecret(secret), scopes: [...scopes] }], { kind: 'generated' }),
    secret,
  };
}

async function readTls(tls: { certPath: string; keyPath: string }): Promise<{ cert: Buffer; key: Buffer }> {
  const read = (path: string, what: string) =>
    readFile(path).catch((err: Error) => {
      throw new ConfigError(`cannot read the TLS ${what} ${path}: ${err.message}`);
    });
  return { cert: await read(tls.certPath, 'certificate'), key: await read(tls.keyPath, 'key') };
}

function announceLocalKey(url: string, secret: string): void {
  process.stderr.write(
    [
      '',
      `No API keys are configured (API_KEYS_FILE or API_KEYS), so this run made one for the user "${localUser}",`,
      'with every scope, valid until the process ends. It is shown only here:',
      '',
      `  ${secret}`,
      '',
      `  curl -s ${url}/v1/evaluate -H 'authorization: Bearer ${secret}' \\`,
      `       -H 'content-type: application/json' -d @examples/typical-bank.json`,
      '',
      'For lasting keys: npx credit-policy keys add <name> --scopes evaluate,read --file keys.json, then API_KEYS_FILE=keys.json.',
      '',
    ].join('\n'),
  );
}

/** reload reloads rules, keys and the TLS certificate; one reload runs at a time (LiveRules serializes them). */
async function reload(serving: Serving, config: ServiceConfig, trigger: string): Promise<void> {
  const { app } = serving;
  try {
    await reloadService(
      { live: app.live, keys: app.keyStore, log: app.log, operations: app.operations },
      trigger,
      null,
    );
    if (config.tls) {
      try {
        (app.server as unknown as HttpsServer).setSecureContext(await readTls(config.tls));
        app.log.info('reload: the TLS certificate and key were read again');
      } catch (err) {
        app.log.error(
          `reload of the TLS certificate refused: ${(err as Error).message}; the one loaded before stays in use`,
        );
      }
    }
  } catch (err) {
    app.log.error({ err }, 'reload failed unexpectedly');
  }
}

/** onReloadSignal reloads on SIGHUP (a SIGHUP that came before the service listened is acted on now). */
function onReloadSignal(serving: Serving, config: ServiceConfig): void {
  const hup = () => void reload(serving, config, 'SIGHUP');
  process.off('SIGHUP', earlyHup);
  process.on('SIGHUP', hup);
  if (early) hup();
}

main().catch((err: unknown) => {
  const known = [ConfigError, KeysError, VersionRefused, LogError, KeyError, RangeError, OperationsLogError].some(
    (k) => err instanceof k,
  );
  // An error of the operating system (a port in use, a file that cannot be opened) is the operator's to fix.
  const system = systemMessage(err);
  process.stderr.write(
    known || system
      ? `cannot start: ${system ?? (err as Error).message}\n`
      : `cannot start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exitCode = known || system ? 2 : 70;
  // A worker's channel to its primary would keep it alive.
  if (cluster.isWorker) process.exit(process.exitCode);
});

/** checkPortFree listens on HOST:PORT and closes at once; a port in use rejects with the listen error. */
function checkPortFree(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

/** systemMessage: one line for an operating-system error, or undefined for anything else. */
function systemMessage(err: unknown): string | undefined {
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number };
  if (!(err instanceof Error) || typeof e.code !== 'string' || !e.syscall) return undefined;
  const where = e.address !== undefined ? `${e.address}:${e.port}` : '';
  if (e.code === 'EADDRINUSE')
    return `${where} is already in use by another process: stop it, or set PORT (or HOST) to a free one`;
  if (e.code === 'EADDRNOTAVAIL') return `${where} is not an address of this machine: set HOST to one`;
  if (e.code === 'EACCES' && e.syscall === 'listen')
    return `${where} needs privileges this process lacks: set PORT to 1024 or above`;
  return e.message;
}
