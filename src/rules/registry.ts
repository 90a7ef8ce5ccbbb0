// Rules stage: every ruleset under policies/rulesets/, and the choice of the one in force for an
// input's rating year and region. Two rulesets claiming the same year and region is a load error.
// An overlay (a regional rule) is resolved against the base beside it, which is loaded only once.
import { join } from 'node:path';
import { RulesError, type Diagnostic } from '../diagnostics/diagnostics.js';
import { readFolder } from '../diagnostics/yaml-source.js';
import { type Message, msg } from '../diagnostics/message.js';
import { SaidError } from '../diagnostics/i18n.js';
import { fsFolder, inspectFolder, type Inspection } from './load.js';
import type { RuleSet } from './ruleset.js';

/** SelectionError: no ruleset fits the input (an unknown id, or no ruleset for the year). */
export class SelectionError extends SaidError {
  constructor(
    message: Message,
    readonly reason: 'unknown-ruleset' | 'no-ruleset-in-force' | 'pinned-ruleset-not-in-force',
    readonly allowed: string[],
  ) {
    super(message, 'SelectionError');
  }
}

export class Registry {
  private constructor(readonly rulesets: readonly RuleSet[]) {}

  /** load reads every ruleset folder of `dir`; any error in any folder refuses the whole set (a RulesError). */
  static async load(dir: string): Promise<Registry> {
    const { registry, diagnostics } = await Registry.inspect(dir);
    if (!registry) throw new RulesError(diagnostics);
    return registry;
  }

  /** inspect reads every ruleset folder of `dir` and returns the registry, or none, with every diagnostic. */
  static async inspect(dir: string): Promise<{ registry?: Registry; diagnostics: Diagnostic[] }> {
    const folder = await readFolder(dir, 'RULE002', 'rulesets');
    if ('diagnostic' in folder) return { diagnostics: [folder.diagnostic] };
    const names = folder.entries
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    const diagnostics: Diagnostic[] = [];
    const rulesets: RuleSet[] = [];
    // Each folder is inspected once, whether for itself or as the base of an overlay beside it.
    const inspected = new Map<string, Promise<Inspection>>();
    const inspect = (name: string, chain: readonly string[] = []): Promise<Inspection> => {
      let found = inspected.get(name);
      if (!found) {
        found = inspectFolder(
          fsFolder(join(dir, name)),
          (base) => (names.includes(base) ? inspect(base, [...chain, name]) : inspectFolder(fsFolder(join(dir, base)))),
          chain,
        );
        inspected.set(name, found);
      }
      return found;
    };
    for (const name of names) {
      const { ruleset, diagnostics: found } = await inspect(name);
      diagnostics.push(...found);
      if (!ruleset) continue;
      if (ruleset.id !== name)
        diagnostics.push({
          code: 'RULE070',
          severity: 'error',
          file: join(dir, name, 'ruleset.yaml'),
          line: 1,
          column: 1,
          path: 'id',
          message: `id "${ruleset.id}" must equal its folder name "${name}"`,
        });
      rulesets.push(ruleset);
    }
    diagnostics.push(...overlaps(rulesets));
    if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
    if (rulesets.length === 0)
      return { diagnostics: [{ code: 'RULE071', severity: 'error', file: dir, message: 'holds no ruleset folder' }] };
    return { registry: new Registry(rulesets), diagnostics };
  }

  get(id: string): RuleSet | undefined {
    return this.rulesets.find((r) => r.id === id);
  }

  /** select picks the pinned ruleset, or the one in force for the year (a regional one first). */
  select(year: number, region?: string, pinned?: string): RuleSet {
    if (pinned !== undefined) {
      const rs = this.get(pinned);
      if (!rs)
        throw new SelectionError(
          msg('diag.select.unknown', { id: pinned }),
          'unknown-ruleset',
          this.rulesets.map((r) => r.id),
        );
      if (!inForce(rs, year))
        throw new SelectionError(
          msg('diag.select.pinnedNotInForce', { id: pinned, year, span: span(rs) }),
          'pinned-ruleset-not-in-force',
          [span(rs)],
        );
      return rs;
    }
    const candidates = this.rulesets.filter((r) => inForce(r, year));
    const chosen =
      candidates.find((r) => region !== undefined && r.meta.region === region) ??
      candidates.find((r) => r.meta.region === null);
    if (!chosen)
      throw new SelectionError(
        msg('diag.select.noneInForce', { year }),
        'no-ruleset-in-force',
        this.rulesets.map((r) => `${r.id}: ${span(r)}`),
      );
    return chosen;
  }
}

function inForce(rs: RuleSet, year: number): boolean {
  const { fromYear, untilYear } = rs.meta.effective;
  return year >= fromYear && (untilYear === null || year <= untilYear);
}

function span(rs: RuleSet): string {
  return `${rs.meta.effective.fromYear}–${rs.meta.effective.untilYear ?? 'open'}`;
}

function overlaps(rulesets: RuleSet[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (let i = 0; i < rulesets.length; i++)
    for (let j = i + 1; j < rulesets.length; j++) {
      const a = rulesets[i],
        b = rulesets[j];
      if (a.meta.region !== b.meta.region) continue;
      const aEnd = a.meta.effective.untilYear ?? Infinity,
        bEnd = b.meta.effective.untilYear ?? Infinity;
      if (a.meta.effective.fromYear <= bEnd && b.meta.effective.fromYear <= aEnd)
        out.push({
          code: 'RULE072',
          severity: 'error',
          file: join(b.dir, 'ruleset.yaml'),
          path: 'effective',
          message: `rulesets "${a.id}" (${span(a)}) and "${b.id}" (${span(b)}) both claim the same rating years for region ${a.meta.region ?? '(national)'}`,
        });
    }
  return out;
}
