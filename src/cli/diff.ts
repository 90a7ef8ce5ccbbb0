// CLI: `diff FROM TO`: the semantic diff of two rulesets (ids, folders or rev:path), as text, JSON,
// Markdown for a pull-request comment, or one HTML page.
import type { Command } from 'commander';
import { diffRulesets } from '../diff/diff.js';
import { GitError } from '../diff/git.js';
import { loadSpec, SpecError, type SpecOptions } from '../diff/source.js';
import type { RuleSet } from '../rules/ruleset.js';
import { renderDiffHtml } from '../render/diff/html.js';
import { renderDiffMarkdown } from '../render/diff/markdown.js';
import { renderDiffText } from '../render/diff/text.js';
import { type Lang, translator } from '../diagnostics/i18n.js';
import { defaults, UsageError } from './io.js';
import { cliLang } from './lang.js';

interface DiffOptions {
  rules: string;
  repo?: string;
  json?: boolean;
  markdown?: boolean;
  html?: boolean;
  exitCode?: boolean;
}

export function registerDiff(program: Command): void {
  program
    .command('diff')
    .description('compare two rulesets rule by rule (not line by line), with the clause text of both sides')
    .argument(
      '<from>',
      'a ruleset id, a ruleset folder, or rev:path (the folder at a git revision, e.g. main~3:policies/rulesets/yinfa-2018-102)',
    )
    .argument('<to>', 'the same, for the newer side')
    .option('--rules <dir>', 'folder of rulesets that ids are looked up in', defaults.rules)
    .option('--repo <dir>', 'git repository that rev:path is read from (default: the current folder)')
    .option('--json', 'print the diff as JSON')
    .option('--markdown', 'print the diff as Markdown (for a pull-request comment)')
    .option('--html', 'print the diff as one self-contained HTML page')
    .option('--exit-code', 'exit 1 when the rulesets differ, 0 when they are the same rules')
    .action(async (from: string, to: string, opts: DiffOptions) => {
      if ([opts.json, opts.markdown, opts.html].filter(Boolean).length > 1)
        throw new UsageError(translator(cliLang())('cli.diffOneFormat'));
      const spec: SpecOptions = { rules: opts.rules, repo: opts.repo };
      const [a, b] = [await load(from, spec), await load(to, spec)];
      const diff = diffRulesets(a, b, { from, to });
      const render = opts.json
        ? (d: typeof diff, _lang: Lang) => `${JSON.stringify(d, null, 2)}\n`
        : opts.markdown
          ? renderDiffMarkdown
          : opts.html
            ? renderDiffHtml
            : renderDiffText;
      process.stdout.write(render(diff, cliLang()));
      if (opts.exitCode && !diff.same) process.exitCode = 1;
    });
}

/** load loads one side, turning a wrong name into a usage error (exit 2). */
export async function load(spec: string, options: SpecOptions): Promise<RuleSet> {
  try {
    return await loadSpec(spec, options);
  } catch (err) {
    if (err instanceof SpecError || err instanceof GitError) throw new UsageError(err.message);
    throw err;
  }
}
