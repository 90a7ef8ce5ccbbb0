// The CLI's `--help`: every command, argument and option has its text in the catalogue in Chinese and in
// English; English is what the code declares (so `--lang en` reads as before); Chinese is the default.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/artifacts/artifacts.js';
import { helpTexts } from '../../src/cli/help.js';
import { declareProgram } from '../../src/cli/program.js';
import { langs, translator } from '../../src/diagnostics/i18n.js';

const cli = `${repoRoot}dist/cli/main.js`;
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd: repoRoot, encoding: 'utf8' });

describe('CLI help in the catalogue', () => {
  it('has every help text in Chinese and in English, the English as the code declares it', () => {
    const declared = helpTexts(declareProgram());
    expect(declared.length).toBeGreaterThan(150);
    const missing: string[] = [];
    for (const h of declared)
      for (const l of langs) if (!translator(l)(h.key, { defaultValue: '' })) missing.push(`${l}: ${h.key}`);
    expect(missing).toEqual([]);
    expect(declared.map((h) => [h.key, translator('en')(h.key)])).toEqual(declared.map((h) => [h.key, h.text]));
  });

  it('answers --help in Chinese by default and in English with --lang en', () => {
    const zh = run('keys', 'add', '--help');
    expect(zh.status).toBe(0);
    expect(zh.stdout).toContain('为一个用户或服务生成密钥；密钥只显示一次，只保存其 sha256');
    expect(zh.stdout).toMatch(/--scopes <list>\s+允许的权限，以逗号分隔：evaluate, read, admin/);
    const en = run('--lang', 'en', 'keys', 'add', '--help');
    expect(en.stdout).toContain('make a key for one user or service; the secret is printed once');
    expect(run('verify-log', '--lang=en', '--help').stdout).toContain('check a decision log: the hash chain');
    expect(run('--help').stdout).toContain('以代码表达的银发〔2018〕102号');
  });

  it("writes commander's own words in the run's language too, and gives a leaf command no help command", () => {
    const zh = run('keys', '--help').stdout;
    for (const word of [
      '用法：',
      '选项：',
      '命令：',
      '-h, --help               显示命令的帮助',
      'help [command]           显示命令的帮助',
    ])
      expect(zh).toContain(word);
    expect(zh).not.toMatch(/Usage:|Options:|Commands:|display help/);
    const leaf = run('evaluate', '--help').stdout;
    expect(leaf).toContain('参数：');
    expect(leaf).not.toContain('命令：');
    const en = run('--lang', 'en', 'keys', '--help').stdout;
    for (const word of ['Usage: credit-policy keys', 'Options:', 'Commands:', 'display help for command'])
      expect(en).toContain(word);
  });
});
