#!/usr/bin/env node
// The pull-request review of a rules change, as the workflow .github/workflows/policy-review.yml runs
// it and as anyone can run it locally: `check --format github --coverage` (annotations on standard
// output, where GitHub Actions turns them into notes on the changed lines), then, for every ruleset
// the change touches, the semantic diff against the base revision and the impact on the synthetic case
// corpus. What a reviewer reads is written as Markdown to $GITHUB_STEP_SUMMARY (when set) and to
// --out, the body of the one pull-request comment, which starts with a marker so it can be found and
// updated rather than repeated. Exit status: check's (1 when it found an error), 2 for bad usage.
//   node scripts/pr-review.mjs --base <rev> [--repo .] [--cases corpus/synthetic-cases.ndjson] [--out pr-review.md] [--lang zh|en]
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = new URL('..', import.meta.url).pathname;
const { translator } = await import(`${root}dist/diagnostics/i18n.js`);

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    repo: { type: 'string', default: '.' },
    cases: { type: 'string', default: 'corpus/synthetic-cases.ndjson' },
    out: { type: 'string', default: 'pr-review.md' },
    lang: { type: 'string', default: 'zh' },
    'max-cases': { type: 'string', default: '50' },
  },
});
if (!values.base || !['zh', 'en'].includes(values.lang)) {
  process.stderr.write('usage: pr-review.mjs --base <rev> [--repo DIR] [--cases FILE] [--out FILE] [--lang zh|en]\n');
  process.exit(2);
}
const repo = resolve(values.repo);
const lang = values.lang;
const t = translator(lang);
export const marker = '<!-- credit-policy-review -->';
// A comment may hold 65536 characters; the summary is cut below that with a note.
const limit = 60000;

function cli(args) {
  const r = spawnSync(process.execPath, [`${root}dist/cli/main.js`, '--lang', lang, ...args], {
    cwd: repo,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: r.status ?? 70, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function git(args) {
  const r = spawnSync('git', args, { cwd: repo, encoding: 'utf8' });
  if (r.status !== 0) {
    process.stderr.write(`git ${args.join(' ')}: ${r.stderr}`);
    process.exit(2);
  }
  return r.stdout;
}

const fence = (text) => `\`\`\`text\n${text.replace(/```/g, "'''").trimEnd()}\n\`\`\``;
const unescapeCommand = (s) =>
  s.replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');

const baseSha = git(['rev-parse', '--short', values.base]).trim();
const headSha = git(['rev-parse', '--short', 'HEAD']).trim();
const sections = [marker, `## ${t('review.title', { base: baseSha, head: headSha })}`];

// 1. check, with the rule tests and their coverage: annotations go to standard output for the runner.
const check = cli(['check', 'policies', '--coverage', '--format', 'github']);
process.stdout.write(check.stdout);
process.stderr.write(check.stderr);
const annotations = [];
const rest = [];
for (const line of check.stdout.split('\n')) {
  const m = /^::(error|warning|notice)(?: ([^:]*))?::(.*)$/.exec(line);
  if (!m) {
    if (line.trim()) rest.push(line);
    continue;
  }
  const props = Object.fromEntries(
    (m[2] ?? '')
      .split(',')
      .filter(Boolean)
      .map((p) => p.split('=')),
  );
  const where = props.file ? `\`${unescapeCommand(props.file)}${props.line ? `:${props.line}` : ''}\` ` : '';
  const title = props.title ? `**${unescapeCommand(props.title)}** ` : '';
  const icon = { error: '❌', warning: '⚠️', notice: 'ℹ️' }[m[1]];
  annotations.push(`- ${icon} ${where}${title}${unescapeCommand(m[3]).split('\n')[0]}`);
}
sections.push(`### ${t(check.status === 0 ? 'review.checkPassed' : 'review.checkFailed')}`);
if (annotations.length) sections.push(annotations.join('\n'));
if (rest.length || check.stderr.trim()) sections.push(fence([...rest, check.stderr.trim()].filter(Boolean).join('\n')));

// 2. and 3. every ruleset the change touches: its diff against the base, and what it moves.
const changed = [
  ...new Set(
    git(['diff', '--name-only', `${values.base}...HEAD`, '--', 'policies/rulesets/'])
      .split('\n')
      .map((f) => /^policies\/rulesets\/([^/]+)\//.exec(f)?.[1])
      .filter(Boolean),
  ),
].sort();
if (!changed.length) sections.push(t('review.noRulesetChanged'));
for (const id of changed) {
  const folder = `policies/rulesets/${id}`;
  const inBase =
    spawnSync('git', ['cat-file', '-e', `${values.base}:${folder}/ruleset.yaml`], { cwd: repo }).status === 0;
  const inHead = existsSync(resolve(repo, folder, 'ruleset.yaml'));
  if (!inBase || !inHead) {
    sections.push(`### ${id}`, t(inHead ? 'review.added' : 'review.removed', { id }));
    continue;
  }
  const from = `${values.base}:${folder}`;
  const diff = cli(['diff', from, folder, '--markdown', '--repo', repo]);
  sections.push(diff.status === 0 ? diff.stdout.trim().replace(/^## /, '### ') : fence(diff.stderr));
  if (!existsSync(resolve(repo, values.cases))) {
    sections.push(t('review.noCases', { cases: values.cases }));
    continue;
  }
  const impact = cli(['impact', from, folder, values.cases, '--repo', repo, '--no-progress']);
  sections.push(`#### ${t('review.impact', { cases: values.cases })}`);
  if (impact.status !== 0) {
    sections.push(fence(impact.stderr));
    continue;
  }
  // Text output: one line per moved case, a blank line, then the distribution, which starts with the
  // count of cases (in either language).
  const text = impact.stdout.trimEnd();
  const start = text.search(/^(\d+ cases?:|共 \d+ 个案例：)/m);
  const [moved, summary] = start > 0 ? [text.slice(0, start), text.slice(start)] : ['', text];
  sections.push(fence(summary));
  const lines = moved.split('\n').filter(Boolean);
  const max = Number(values['max-cases']);
  if (lines.length)
    sections.push(
      `<details><summary>${t('review.movedCases', { count: lines.length, shown: Math.min(max, lines.length) })}</summary>\n\n${fence(lines.slice(0, max).join('\n'))}\n\n</details>`,
    );
}

let body = `${sections.join('\n\n')}\n`;
if (body.length > limit) body = `${body.slice(0, limit)}\n\n${t('review.truncated')}\n`;
writeFileSync(resolve(values.out), body);
if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, body);
process.exitCode = check.status === 0 ? 0 : 1;
