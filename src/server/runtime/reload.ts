// Service: one reload, whoever asks for it (SIGHUP or POST /v1/admin/reload): the rules and policy
// beside the live version, then the keys file. Each part is swapped only if it passes; what is refused
// is logged with its positions, and the version that was live keeps serving.
import type { FastifyBaseLogger } from 'fastify';
import type { KeyStore } from '../../security/key-store.js';
import type { LiveRules, ReloadRecord } from './live-rules.js';
import type { OperationsLog } from './operations-log.js';

/** KeysReload: what re-reading the keys file did. */
export type KeysReload =
  | { ok: true; source: string; count: number; changed: boolean }
  | { ok: false; source: string; message: string };

/** ReloadOutcome: the rules' reload record and the keys' outcome; `ok` when neither was refused. */
export interface ReloadOutcome {
  ok: boolean;
  rules: ReloadRecord;
  keys: KeysReload;
}

export interface ReloadContext {
  live: LiveRules;
  keys: KeyStore;
  log: FastifyBaseLogger;
  operations: OperationsLog;
}

/** reloadService reloads rules and keys, logs the outcome and writes it to the operations log. */
export async function reloadService(
  ctx: ReloadContext,
  trigger: string,
  caller: string | null,
): Promise<ReloadOutcome> {
  const rules = await ctx.live.reload(trigger);
  const live = ctx.live.current;
  const serving = live.rulesets.map((r) => `${r.id} ${r.hash.slice(0, 19)}`).join(', ');
  if (rules.ok)
    ctx.log.info(
      { reload: { trigger, durationMs: rules.durationMs }, rulesets: live.rulesets, wasmSha256: live.wasmSha256 },
      `reload: now serving ${serving}`,
    );
  else
    ctx.log.error(
      { reload: { trigger, kind: rules.error!.kind, diagnostics: rules.error!.diagnostics } },
      `reload refused (${rules.error!.kind}): ${rules.error!.diagnostics[0] ?? rules.error!.message}; still serving ${serving}`,
    );

  let keys: KeysReload;
  const source = ctx.keys.source.kind === 'file' ? ctx.keys.source.path : ctx.keys.source.kind;
  try {
    const r = await ctx.keys.reload();
    keys = { ok: true, source, count: r.keys, changed: r.changed };
    if (r.changed) ctx.log.info({ keys: r.keys }, `reload: the keys file ${source} now holds ${r.keys} key(s)`);
  } catch (err) {
    keys = { ok: false, source, message: (err as Error).message };
    ctx.log.error(
      { reload: { trigger } },
      `reload of the keys refused: ${(err as Error).message.split('\n').slice(0, 2).join(' ')}; the keys held before stay valid`,
    );
  }

  ctx.operations.write({
    time: new Date().toISOString(),
    caller,
    action: 'reload',
    trigger,
    outcome: rules.ok && keys.ok ? 'ok' : rules.ok ? 'keys-refused' : 'rules-refused',
    live: { rulesets: live.rulesets, wasmSha256: live.wasmSha256 },
  });
  return { ok: rules.ok && keys.ok, rules, keys };
}
