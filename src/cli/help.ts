// CLI: the `--help` texts in the run's language. Commands declare their English help beside their code;
// the catalogue's `cli.help` tree gives each command, argument and option its text in Chinese and in
// English, and wins where it has one; commander's own words ("Usage:", "Options:", the help option) too.
import type { Command } from 'commander';
import { type Lang, translator } from '../diagnostics/i18n.js';

/** helpKey: the catalogue key of a command's help (`cli.help.cmd.keys.add`; the program is `cli.help`). */
export function helpKey(path: readonly string[]): string {
  return path.length ? `cli.help.cmd.${path.join('.')}` : 'cli.help';
}

/** HelpText: one help text a command declares, with its catalogue key. */
export interface HelpText {
  key: string;
  text: string;
  set: (text: string) => void;
}

/** helpTexts lists every help text of a command tree: descriptions, arguments and options. */
export function helpTexts(program: Command): HelpText[] {
  const out: HelpText[] = [];
  const walk = (cmd: Command, path: string[]) => {
    const key = helpKey(path);
    out.push({ key: `${key}._`, text: cmd.description(), set: (t) => cmd.description(t) });
    for (const a of cmd.registeredArguments)
      if (a.description)
        out.push({ key: `${key}.arg.${a.name()}`, text: a.description, set: (t) => (a.description = t) });
    for (const o of cmd.options)
      if (o.description) {
        // The global --lang option's text was in the catalogue before the help texts were.
        const optKey = path.length === 0 && o.name() === 'lang' ? 'cli.langOption' : `${key}.opt.${o.name()}`;
        out.push({ key: optKey, text: o.description, set: (t) => (o.description = t) });
      }
    for (const sub of cmd.commands) walk(sub, [...path, sub.name()]);
  };
  walk(program, []);
  return out;
}

/** localiseHelp puts the catalogue's help texts in `lang` on the commands; a text it lacks stays as declared. */
export function localiseHelp(program: Command, lang: Lang): void {
  const t = translator(lang);
  for (const h of helpTexts(program)) {
    const text = t(h.key, { defaultValue: '' });
    if (text) h.set(text);
  }
  localiseCommanderWords(program, t);
}

/** The headings commander writes in every help text, by their catalogue keys under `cli.commander`. */
const headings: Record<string, string> = {
  'Usage:': 'usage',
  'Arguments:': 'arguments',
  'Options:': 'options',
  'Global Options:': 'globalOptions',
  'Commands:': 'commands',
};

// Commander's headings, its -h/--help option and its implicit `help` command, on every command.
function localiseCommanderWords(cmd: Command, t: (key: string) => string): void {
  const key = (k: string) => `cli.commander.${k}`;
  cmd.configureHelp({ styleTitle: (title) => (title in headings ? t(key(headings[title])) : title) });
  cmd.helpOption('-h, --help', t(key('helpOption')));
  // Only a command with subcommands has the implicit `help [command]`; naming it on a leaf would add one.
  if (cmd.commands.length) cmd.helpCommand('help [command]', t(key('helpCommand')));
  for (const sub of cmd.commands) localiseCommanderWords(sub, t);
}
