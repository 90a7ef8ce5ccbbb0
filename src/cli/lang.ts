// CLI: the language of the human output, chosen once per run with the global `--lang` (Chinese by
// default) and read by every subcommand that renders for a person.
import { type Command, Option } from 'commander';
import { defaultLang, isLang, type Lang, langs, translator } from '../diagnostics/i18n.js';

let current: Lang = defaultLang;

/** cliLang: the language the run's human output is in. */
export function cliLang(): Lang {
  return current;
}

/** addLangOption declares `--lang zh|en` on the program (before or after the subcommand) and applies it. */
export function addLangOption(program: Command): void {
  program
    .addOption(new Option('--lang <lang>', translator('en')('cli.langOption')).choices(langs).default(defaultLang))
    .hook('preAction', () => {
      current = program.opts<{ lang: Lang }>().lang;
    });
}

/**
 * langFromArgv reads `--lang X` or `--lang=X` from the command line before commander parses it, so that
 * `--help` (answered while parsing) is already in that language; anything else is the default.
 */
export function langFromArgv(argv: readonly string[]): Lang {
  let lang: Lang = defaultLang;
  // The last one wins, as commander reads a repeated option.
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i] === '--lang' ? argv[i + 1] : argv[i].startsWith('--lang=') ? argv[i].slice(7) : undefined;
    if (value !== undefined) lang = isLang(value) ? value : defaultLang;
  }
  return lang;
}
