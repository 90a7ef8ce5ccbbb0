// Service: opening the decision log the configuration names. A log is always signed: without
// DECISION_LOG_KEY a key is made beside the log (and where is said once); a DECISION_LOG_KEY that does
// not exist is an error, never a new key.
import { loadSigningKey } from '../../audit/keys.js';
import { createDecisionLog, type DecisionLog } from '../../audit/log.js';
import { ConfigError, type ServiceConfig } from './config.js';

type LogConfig = NonNullable<ServiceConfig['decisionLog']>;

const announceKey = (privateKeyPath: string, publicKeyPath: string) =>
  process.stderr.write(
    `The decision log is signed, and no DECISION_LOG_KEY was given, so a new Ed25519 key was made: ${privateKeyPath} (private, 0600) and ${publicKeyPath} (public: give it to auditors for verify-log --public-key).\n`,
  );

/** prepareSigningKey finds the signing key, or makes the default one and says where. */
export async function prepareSigningKey(config: LogConfig): Promise<void> {
  if (config.keyGiven) {
    await openKey(config);
    return;
  }
  await loadSigningKey(config.privateKeyPath, { create: true, onCreated: announceKey });
}

async function openKey(config: LogConfig): Promise<void> {
  try {
    await loadSigningKey(config.privateKeyPath);
  } catch (err) {
    if (/ENOENT/.test((err as Error).message))
      throw new ConfigError(
        `DECISION_LOG_KEY=${config.privateKeyPath} does not exist: give the path of an existing Ed25519 key (PEM), or leave DECISION_LOG_KEY unset to have one made beside the log`,
      );
    throw err;
  }
}

/** openDecisionLog opens one chain (`path`: the file of this replica and worker). */
export async function openDecisionLog(
  config: LogConfig,
  path: string,
  onWarning: (message: string) => void,
  checkpointPath?: string,
): Promise<DecisionLog> {
  if (config.keyGiven) await openKey(config);
  return createDecisionLog({
    path,
    privateKeyPath: config.privateKeyPath,
    createKey: !config.keyGiven,
    onKeyCreated: announceKey,
    drop: config.drop,
    mask: config.mask,
    resultMask: config.resultMask,
    checkpointEvery: config.checkpointEvery,
    checkpointIntervalMs: config.checkpointIntervalMs,
    rotateBytes: config.rotateBytes || undefined,
    rotateYearly: config.rotateYearly,
    onWarning,
    ...(checkpointPath ? { checkpointPath } : {}),
  });
}
