// CLI: `keys add NAME --scopes evaluate,read [--file keys.json]` makes an API key for one user or
// service, prints its secret once and stores only its sha256, rewriting the keys file atomically.
// `keys list` shows who holds a key and with which scopes; `keys remove NAME` revokes one.
import type { Command } from 'commander';
import { generateSecret, hashSecret, namePattern, scopes, type ApiKey, type Scope } from '../security/api-keys.js';
import { KeysError, readKeysFile, writeKeysFile } from '../security/keys-file.js';
import { translator } from '../diagnostics/i18n.js';
import { UsageError } from './io.js';
import { cliLang } from './lang.js';

const defaultFile = () => process.env.API_KEYS_FILE || 'keys.json';

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('make, list and revoke the API keys of the service (API_KEYS_FILE)');

  keys
    .command('add')
    .description('make a key for one user or service; the secret is printed once, only its sha256 is kept')
    .argument('<name>', 'who holds the key: one person or one service (letters, digits, . _ @ -)')
    .requiredOption('--scopes <list>', `what it may do, comma-separated: ${scopes.join(', ')}`)
    .option('--file <path>', 'the keys file (JSON, or YAML by its extension)', defaultFile())
    .option('--rate-limit <n>', 'requests per rate-limit window for this key (default: the service setting)')
    .action(async (name: string, opts: { scopes: string; file: string; rateLimit?: string }) => {
      const t = translator(cliLang());
      if (!namePattern.test(name)) throw new UsageError(t('cli.keys.badName', { name }));
      const wanted = opts.scopes
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const unknown = wanted.filter((s) => !(scopes as readonly string[]).includes(s));
      if (wanted.length === 0 || unknown.length)
        throw new UsageError(
          t('cli.keys.badScopes', {
            given: JSON.stringify(opts.scopes),
            unknown: unknown.length ? t('cli.keys.unknownScopes', { scopes: unknown.join(', ') }) : '',
            allowed: scopes.join(', '),
          }),
        );
      const rateLimit = opts.rateLimit === undefined ? undefined : Number(opts.rateLimit);
      if (rateLimit !== undefined && (!Number.isInteger(rateLimit) || rateLimit < 1))
        throw new UsageError(t('cli.keys.badRateLimit', { given: JSON.stringify(opts.rateLimit) }));
      const existing = await read(opts.file, true);
      if (existing.some((k) => k.name === name)) throw new UsageError(t('cli.keys.exists', { file: opts.file, name }));
      const secret = generateSecret();
      const key: ApiKey = {
        name,
        hash: hashSecret(secret),
        scopes: [...new Set(wanted)] as Scope[],
        ...(rateLimit ? { rateLimit } : {}),
        created: new Date().toISOString(),
      };
      await writeKeysFile(opts.file, [...existing, key]);
      process.stdout.write(`${secret}\n`);
      process.stderr.write(`${t('cli.keys.added', { name, scopes: key.scopes.join(', '), file: opts.file })}\n`);
    });

  keys
    .command('list')
    .description('list who holds a key, with scopes; secrets are never stored, so never shown')
    .option('--file <path>', 'the keys file', defaultFile())
    .action(async (opts: { file: string }) => {
      const t = translator(cliLang());
      const list = await read(opts.file, false);
      if (list.length === 0) process.stdout.write(`${t('cli.keys.none', { file: opts.file })}\n`);
      for (const k of list) {
        const rate = k.rateLimit ? `\t${t('cli.keys.rateLimit', { n: k.rateLimit })}` : '';
        const created = k.created ? `\t${t('cli.keys.created', { time: k.created })}` : '';
        process.stdout.write(`${k.name}\t${k.scopes.join(',')}${rate}${created}\n`);
      }
    });

  keys
    .command('remove')
    .description("revoke a user's or service's key")
    .argument('<name>', 'the key to revoke')
    .option('--file <path>', 'the keys file', defaultFile())
    .action(async (name: string, opts: { file: string }) => {
      const t = translator(cliLang());
      const list = await read(opts.file, false);
      if (!list.some((k) => k.name === name))
        throw new UsageError(
          t('cli.keys.missing', {
            file: opts.file,
            name,
            names: list.map((k) => k.name).join(', ') || t('cli.keys.noNames'),
          }),
        );
      await writeKeysFile(
        opts.file,
        list.filter((k) => k.name !== name),
      );
      process.stderr.write(`${t('cli.keys.removed', { name, file: opts.file })}\n`);
    });
}

async function read(file: string, missingOk: boolean): Promise<ApiKey[]> {
  try {
    return await readKeysFile(file, { missingOk });
  } catch (err) {
    if (err instanceof KeysError) throw new UsageError(err.message);
    throw err;
  }
}
