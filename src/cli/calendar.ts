// CLI: `calendar --institution NAME --year YEAR`: an institution's due dates in a year, each traced
// to its clause, and the deadlines that run from an event.
import { cliLang } from './lang.js';
import type { Command } from 'commander';
import type { ReporterKind } from '../obligations/load.js';
import { renderCalendarText } from '../render/obligations/text.js';
import { refuse, serviceForYear, withServiceOptions, type ServiceFlags } from './due.js';
import { explained } from '../diagnostics/explain.js';
import { msg } from '../diagnostics/message.js';

const kinds = ['national', 'local', 'branch', 'operator', 'pboc', 'pboc-branch', 'pboc-any-branch'];

interface CalendarFlags extends ServiceFlags {
  institution: string;
  year: string;
  branchOf?: string;
  reporter?: string;
  json?: boolean;
}

export function registerCalendar(program: Command): void {
  withServiceOptions(
    program
      .command('calendar')
      .description("an institution's deadlines under 银发〔2018〕102号 for one year, on the working-day calendar")
      .requiredOption('--institution <name>', 'the institution (a name of annex 1 is national, any other local)')
      .requiredOption('--year <year>', 'the year whose due dates to list')
      .option('--branch-of <name>', 'the institution it is a branch of')
      .option('--reporter <kind>', `say the kind instead of deriving it: ${kinds.join(' | ')}`)
      .option('--json', 'print the calendar as JSON'),
  ).action(async (flags: CalendarFlags) => {
    if (flags.reporter !== undefined && !kinds.includes(flags.reporter))
      return refuse(
        'calendar',
        [
          explained(
            '/reporter',
            msg('diag.obligations.notKind', { kinds: kinds.join(', '), given: flags.reporter }),
            kinds,
          ),
        ],
        flags.json,
      );
    if (!/^\d{4}$/.test(flags.year))
      return refuse(
        'calendar',
        [explained('/year', msg('diag.obligations.notYyyy', { given: flags.year }))],
        flags.json,
      );
    const service = await serviceForYear(flags, Number(flags.year), '/year', 'calendar');
    if (!service) return;
    const outcome = service.calendarFor({
      institution: flags.institution,
      year: Number(flags.year),
      ...(flags.branchOf ? { branchOf: flags.branchOf } : {}),
      ...(flags.reporter ? { reporter: flags.reporter as ReporterKind } : {}),
    });
    if (!outcome.ok) return refuse('calendar', outcome.problems, flags.json);
    process.stdout.write(
      flags.json ? `${JSON.stringify(outcome.result, null, 2)}\n` : renderCalendarText(outcome.result, cliLang()),
    );
  });
}
