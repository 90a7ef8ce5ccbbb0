// Audit stage: replaying a decision log. Each logged decision is rated again with the rules it names,
// found by hash among the rulesets loaded now or in the git history of their folder (each revision
// hashed exactly as the loader hashes), and compared with the logged result (with the fields the log
// masked in it masked again).
import { relative, resolve } from 'node:path';
import { attachEvidence, mergeFindings } from '../evidence/merge.js';
import { RulesetRater } from '../rating/ruleset-rater.js';
import { commitsTouching, gitFolder, topLevel } from '../diff/git.js';
import type { PolicyModule } from '../engine/engine.js';
import { inspectFolder } from '../rules/load.js';
import { Registry } from '../rules/registry.js';
import type { RuleSet } from '../rules/ruleset.js';
import { canonicalJson } from './canonical.js';
import { type DecisionEntry, isCheckpoint, isRepair, missingEntryFields, wholeSeq } from './entry.js';
import { parsePointer } from './redact.js';
import { maskedCopy } from './redact-result.js';
import { readLines } from './tail.js';
import { type Message, type MessageParam, msg } from '../diagnostics/message.js';
import { renderMessage, SaidError } from '../diagnostics/i18n.js';
import type { ReplayDifference, ReplayOutcome, ReplaySummaryLine } from '../../generated/types/audit/replay.js';

// ReplayOutcome, one logged decision rated again (a line of `replay --json`), is written once in
// schemas/audit/replay.schema.json with the summary line that follows them.
export type { ReplayOutcome, ReplaySummaryLine };

export interface ReplayOptions {
  /** The rulesets folder loaded now; also the folder whose git history is searched. */
  rules: string;
  module: PolicyModule;
}

/** RulesetFinder finds a ruleset by id and hash, loaded now or in git history, and pins it once. */
export class RulesetFinder {
  private readonly pinned = new Map<string, Promise<{ rater: RulesetRater; foundIn: string } | undefined>>();
  private loaded?: Promise<RuleSet[]>;

  constructor(private readonly options: ReplayOptions) {}

  find(id: string, hash: string): Promise<{ rater: RulesetRater; foundIn: string } | undefined> {
    let found = this.pinned.get(hash);
    if (!found) {
      found = this.search(id, hash);
      this.pinned.set(hash, found);
    }
    return found;
  }

  private async search(id: string, hash: string): Promise<{ rater: RulesetRater; foundIn: string } | undefined> {
    this.loaded ??= Registry.inspect(this.options.rules).then((r) => [...(r.registry?.rulesets ?? [])]);
    const now = (await this.loaded).find((r) => r.hash === hash);
    if (now) return { rater: await RulesetRater.create(this.options.module, now), foundIn: 'loaded' };
    const fromGit = await this.searchGit(id, hash);
    return (
      fromGit && {
        rater: await RulesetRater.create(this.options.module, fromGit.ruleset),
        foundIn: `git ${fromGit.commit}`,
      }
    );
  }

  // Every commit that touched the ruleset's folder (and, for an overlay, its base's), newest first.
  private async searchGit(id: string, hash: string): Promise<{ ruleset: RuleSet; commit: string } | undefined> {
    let repo: string;
    try {
      repo = await topLevel(resolve(this.options.rules));
    } catch {
      return undefined;
    }
    const folder = relative(repo, resolve(this.options.rules, id)).replaceAll('\\', '/');
    const tried = new Set<string>();
    const paths = [folder];
    for (let pass = 0; pass < 2; pass++) {
      const bases = new Set<string>();
      for (const commit of await commitsTouching(repo, paths).catch(() => [] as string[])) {
        if (tried.has(commit)) continue;
        tried.add(commit);
        const { ruleset } = await inspectFolder(gitFolder(repo, commit, folder));
        if (ruleset?.hash === hash) return { ruleset, commit };
        if (ruleset?.meta.extends)
          bases.add(relative(repo, resolve(this.options.rules, ruleset.meta.extends)).replaceAll('\\', '/'));
      }
      if (!bases.size) break;
      paths.push(...bases);
    }
    return undefined;
  }
}

/** ReplayError: a log replay cannot read (a line that is not JSON, or not an entry); run verify-log on it. */
export class ReplayError extends SaidError {
  constructor(message: Message) {
    super(message, 'ReplayError');
  }
}

// An entry as verify-log holds one: every member an entry has, and a whole seq from 1.
function isDecisionLine(v: unknown): v is DecisionEntry {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  return !missingEntryFields(v).length && wholeSeq((v as { seq?: unknown }).seq);
}

/** because gives an outcome's reason: its English text, and its key and values beside it. */
function because(m: Message): Pick<ReplayOutcome, 'reason' | 'reasonId' | 'params'> {
  return { reason: renderMessage(m, 'en'), reasonId: m.key, ...(m.params ? { params: m.params } : {}) };
}

/** replayLog yields the outcome of every decision of a log, in order. */
export async function* replayLog(file: string, options: ReplayOptions): AsyncGenerator<ReplayOutcome> {
  const finder = new RulesetFinder(options);
  for await (const line of readLines(file)) {
    if (!line.complete || !line.text.trim()) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line.text);
    } catch (err) {
      throw new ReplayError(msg('diag.replay.notJson', { file, line: line.number, reason: (err as Error).message }));
    }
    // Checkpoints and repair links are not decisions.
    if (isCheckpoint(parsed) || isRepair(parsed)) continue;
    // A line that is none of the three is not skipped in silence: the log is not one verify-log accepts.
    if (!isDecisionLine(parsed)) throw new ReplayError(msg('diag.replay.notAnEntry', { file, line: line.number }));
    const e = parsed;
    const base = { seq: e.seq, line: line.number, rulesetId: e.rulesetId, rulesetHash: e.rulesetHash };
    const leftOut = e.redacted ? [...e.redacted.dropped, ...e.redacted.masked] : [];
    if (leftOut.length || !('input' in e)) {
      // The parts left out: JSON pointers, the empty one (the whole input) said in words.
      const parts = e.redacted
        ? leftOut.map((p): MessageParam => p || msg('diag.replay.wholeInput'))
        : [msg('diag.replay.theInput')];
      const what = parts.length
        ? parts.reduceRight((rest, first) => msg('diag.replay.listSeparator', { first, rest }))
        : '';
      yield { ...base, status: 'skipped', ...because(msg('diag.replay.notWhole', { what })) };
      continue;
    }
    const found = await finder.find(e.rulesetId, e.rulesetHash);
    if (!found) {
      yield {
        ...base,
        status: 'ruleset-not-found',
        ...because(msg('diag.replay.notFound', { id: e.rulesetId, hash: e.rulesetHash })),
      };
      continue;
    }
    // A result the log masked (the input whole) is compared as logged: with the same fields masked.
    const now = maskedAsLogged(rateAgain(found.rater, e), e.redacted?.resultMasked);
    const ev = e.inputEvidence;
    const fromEvidence = ev && {
      fromEvidence: { tables: ev.derived.tables, derived: ev.derived.derived.length },
    };
    const differences = compare(e.result, now);
    yield differences.length
      ? { ...base, status: 'differs', foundIn: found.foundIn, differences, ...fromEvidence }
      : { ...base, status: 'reproduced', foundIn: found.foundIn, ...fromEvidence };
  }
}

/**
 * rateAgain rates a logged input as it was rated: a decision made from evidence has its logged derived
 * findings joined in again (overrides and all) and its evidence trail attached, as when it was made.
 */
function rateAgain(rater: RulesetRater, e: DecisionEntry): unknown {
  const ev = e.inputEvidence;
  if (!ev) {
    const outcome = rater.evaluate(e.input);
    return outcome.ok ? outcome.result : { refused: outcome.problems };
  }
  const merged = mergeFindings(e.input, ev.derived as Parameters<typeof mergeFindings>[1]);
  if (!merged.ok) return { refused: merged.problems };
  const outcome = rater.evaluate(merged.input);
  if (!outcome.ok) return { refused: outcome.problems };
  return attachEvidence(
    outcome.result,
    outcome.ruleset,
    ev.derived as Parameters<typeof mergeFindings>[1],
    merged.evidence,
    ev.findingsFile,
  );
}

// The result rated again, with "[masked]" where the logged one has it (redacted.resultMasked).
function maskedAsLogged(result: unknown, pointers: readonly string[] | undefined): unknown {
  if (!pointers?.length || result === null || typeof result !== 'object' || 'refused' in result) return result;
  let copy = result;
  for (const p of pointers) copy = maskedCopy(copy, parsePointer(p)).value as object;
  return copy;
}

// The top-level fields whose canonical JSON differs; short values are shown, long ones elided.
function compare(logged: unknown, now: unknown): ReplayDifference[] {
  if (canonicalJson(logged) === canonicalJson(now)) return [];
  const a = (logged ?? {}) as Record<string, unknown>,
    b = (now ?? {}) as Record<string, unknown>;
  const fields = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter(
    (k) => canonicalJson(a[k] ?? null) !== canonicalJson(b[k] ?? null),
  );
  // Both results are parsed JSON (the log's line, the rating's answer): any value is a JSON value.
  const short = (v: unknown) =>
    (v === undefined ? null : canonicalJson(v).length <= 80 ? v : '…') as ReplayDifference['now'];
  return fields.map((field) => ({ field, logged: short(a[field]), now: short(b[field]) }));
}
