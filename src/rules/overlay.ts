// Rules stage: resolves an overlay (a regional rule or an amendment, `extends` + `overrides` in its
// ruleset.yaml) against the full RuleSet it extends. Each override names what it changes by ids
// (`items[5.2].rules[5.2:user-not-registered].points`), so the result is an ordinary RuleSet and the
// engine needs no change; the RuleSet lists the overrides it took, each with its clause.
import type { Code } from '../diagnostics/codes.js';
import { type Message, msg } from '../diagnostics/message.js';
import { hashFiles, sha256 } from './hash.js';
import type { Grading, Institutions, Interpretation, RuleFileKey, RuleSet, ScoringTable } from './ruleset.js';
import type { Override } from '../../generated/types/rules/ruleset.js';
import type { AppliedOverride } from '../../generated/types/rating/result.js';
import type { Derivation } from '../../generated/types/rules/derivation.js';
import type { JsonPath } from '../diagnostics/yaml-source.js';

export type { Override };

/** AppliedOverride: one override an overlay's RuleSet (and so its results) was built with (result.schema.json). */
export type { AppliedOverride };

/** DocKey: the rule files an override can change (an overlay's own ruleset.yaml is its meta). */
export type DocKey = Exclude<RuleFileKey, 'meta'> | 'derivation';

/** OverlayDocs: the rule files of the base as documents, after the overrides. */
export interface OverlayDocs {
  table: ScoringTable;
  grading: Grading;
  institutions: Institutions;
  interpretations: { interpretations: Interpretation[] };
  /** derivation.yaml, when the base has one. */
  derivation?: Derivation;
}

/** OverrideTarget: the file and JSON path an override changed (undefined when it did not resolve). */
export interface OverrideTarget {
  file: DocKey;
  path: JsonPath;
}

/** OverrideProblem: why an override could not be applied; `at` is inside `overrides[index]`. */
export interface OverrideProblem {
  index: number;
  at: JsonPath;
  code: Code;
  message: Message;
}

/** overridesOf lists the overrides a RuleSet was resolved with (none for a ruleset that is not an overlay). */
export function overridesOf(rs: RuleSet): AppliedOverride[] {
  return (rs as RuleSet & { overrides?: AppliedOverride[] }).overrides ?? [];
}

/** applyOverrides applies the overrides in order to copies of the base's documents. */
export function applyOverrides(
  base: RuleSet,
  overrides: readonly Override[],
): {
  docs: OverlayDocs;
  applied: AppliedOverride[];
  targets: (OverrideTarget | undefined)[];
  problems: OverrideProblem[];
} {
  const docs: OverlayDocs = structuredClone({
    table: base.table,
    grading: base.grading,
    institutions: base.institutions,
    interpretations: { interpretations: base.interpretations },
    ...(base.derivation ? { derivation: base.derivation } : {}),
  });
  const applied: AppliedOverride[] = [];
  const targets: (OverrideTarget | undefined)[] = [];
  const problems: OverrideProblem[] = [];
  const seen = new Set<string>();
  overrides.forEach((o, index) => {
    const fail = (code: Code, at: JsonPath, message: Message) => {
      problems.push({ index, at, code, message });
      targets.push(undefined);
    };
    if (seen.has(o.id)) {
      fail('RULE010', ['id'], msg('diag.overlay.duplicateId', { id: o.id }));
      return;
    }
    seen.add(o.id);
    const ops = (['set', 'add', 'remove'] as const).filter((k) => k in o);
    if (ops.length !== 1) {
      fail('RULE082', [], msg('diag.overlay.oneOperation', { has: ops.join(', ') || '—' }));
      return;
    }
    const outcome = applyOne(docs, o, ops[0]);
    if ('message' in outcome) {
      fail(outcome.code, [outcome.at], msg('diag.overlay.atPath', { path: o.path, detail: outcome.message }));
      return;
    }
    targets.push(outcome);
    applied.push({ id: o.id, path: o.path, clause: o.clause });
  });
  return { docs, applied, targets, problems };
}

/**
 * attributeProblem finds the override a problem in the resolved documents comes from: the one whose
 * target encloses the problem (the deepest), or else one inside the problem's place (the last).
 */
export function attributeProblem(
  targets: readonly (OverrideTarget | undefined)[],
  file: DocKey | 'meta',
  path: JsonPath,
): number | undefined {
  let best: number | undefined;
  let bestLength = -1;
  targets.forEach((t, n) => {
    if (t?.file === file && isPrefix(t.path, path) && t.path.length > bestLength)
      [best, bestLength] = [n, t.path.length];
  });
  if (best !== undefined) return best;
  targets.forEach((t, n) => {
    if (t?.file === file && isPrefix(path, t.path)) best = n;
  });
  return best;
}

/** overlayHash ties an overlay's results to its own ruleset.yaml and to the exact files of its base. */
export function overlayHash(metaText: string, base: RuleSet): string {
  return hashFiles([
    { name: 'ruleset.yaml', content: metaText },
    { name: `extends:${base.id}`, content: base.hash },
  ]);
}

/** overlayFiles lists the overlay's own file and, under the base's id, the files of its base. */
export function overlayFiles(metaText: string, base: RuleSet): { name: string; sha256: string }[] {
  return [
    { name: 'ruleset.yaml', sha256: sha256(metaText) },
    ...base.files.map((f) => ({ name: `${base.id}/${f.name}`, sha256: f.sha256 })),
  ];
}

type Step = { key: string } | { select: string } | { index: number };
type Failure = { code: Code; at: string; message: Message };

const roots: Record<string, DocKey> = {
  table: 'table',
  grading: 'grading',
  institutions: 'institutions',
  interpretations: 'interpretations',
  derivation: 'derivation',
};

// The fields that name an entry of a list: ids, grades, circumstances, option values, names.
const entryKeys = ['id', 'grade', 'circumstance', 'value', 'name'] as const;

function applyOne(docs: OverlayDocs, o: Override, op: 'set' | 'add' | 'remove'): OverrideTarget | Failure {
  const parsed = parsePath(o.path);
  if (!Array.isArray(parsed)) return { code: 'RULE081', at: 'path', message: parsed };
  const rooted = rootOf(docs, parsed);
  if ('message' in rooted) return rooted;
  const { file, steps } = rooted;
  const path: (string | number)[] = [];
  let cur: unknown = docs[file];
  for (const [n, step] of steps.entries()) {
    const last = n === steps.length - 1;
    const where = describe(steps, n + 1, rooted);
    if ('key' in step) {
      if (!isObject(cur))
        return {
          code: 'RULE081',
          at: 'path',
          message: msg('diag.overlay.notMapping', { where: describe(steps, n, rooted), key: step.key }),
        };
      if (last) return finish(cur, step.key, path, file, op, o, where);
      if (!Object.hasOwn(cur, step.key))
        return {
          code: 'RULE081',
          at: 'path',
          message: msg('diag.overlay.noKey', { where, keys: Object.keys(cur).join(', ') }),
        };
      path.push(step.key);
      cur = cur[step.key];
    } else {
      if (!Array.isArray(cur))
        return {
          code: 'RULE081',
          at: 'path',
          message: msg('diag.overlay.notList', {
            where: describe(steps, n, rooted),
            select: 'select' in step ? step.select : step.index,
          }),
        };
      const at = 'index' in step ? step.index : findEntry(cur, step.select);
      if (at < 0 || at >= cur.length)
        return {
          code: 'RULE081',
          at: 'path',
          message: msg('diag.overlay.noEntry', {
            where,
            entries: cur.map((e, k) => entryName(e) ?? String(k)).join(', '),
          }),
        };
      if (last) return finish(cur, at, path, file, op, o, where);
      path.push(at);
      cur = cur[at];
    }
  }
  return { code: 'RULE081', at: 'path', message: msg('diag.overlay.wholeFile') };
}

// Applies the operation at the last step: `container[key]`, where container is the parent.
function finish(
  container: Record<string, unknown> | unknown[],
  key: string | number,
  path: (string | number)[],
  file: DocKey,
  op: 'set' | 'add' | 'remove',
  o: Override,
  where: string | Message,
): OverrideTarget | Failure {
  const exists = Array.isArray(container) ? typeof key === 'number' : Object.hasOwn(container, key);
  const target = { file, path: [...path, key] };
  if (op === 'set') {
    if (!exists)
      return {
        code: 'RULE081',
        at: 'path',
        message: msg('diag.overlay.setMissing', { where, keys: Object.keys(container).join(', ') }),
      };
    (container as Record<string | number, unknown>)[key] = structuredClone(o.set);
    return target;
  }
  if (op === 'remove') {
    if (!exists)
      return {
        code: 'RULE081',
        at: 'path',
        message: msg('diag.overlay.removeMissing', { where, keys: Object.keys(container).join(', ') }),
      };
    if (Array.isArray(container)) container.splice(key as number, 1);
    else delete container[key];
    return target;
  }
  const value = (container as Record<string | number, unknown>)[key];
  if (!exists) {
    (container as Record<string, unknown>)[key] = structuredClone(o.add);
    return target;
  }
  if (!Array.isArray(value))
    return {
      code: 'RULE082',
      at: 'add',
      message: msg('diag.overlay.addExisting', { where }),
    };
  const name = entryName(o.add);
  if (name !== undefined && findEntry(value, name) >= 0)
    return {
      code: 'RULE082',
      at: 'add',
      message: msg('diag.overlay.addDuplicate', { where, name, path: o.path }),
    };
  value.push(structuredClone(o.add));
  return { file, path: [...path, key, value.length - 1] };
}

// `items[ID]` is a shortcut for the item wherever it sits in the table; other paths start at a file.
// `prefix` is how the first `hidden` steps are shown in messages (`items[5.2]` for the path to it).
function rootOf(
  docs: OverlayDocs,
  steps: Step[],
): { file: DocKey; steps: Step[]; prefix: string; hidden: number } | Failure {
  const [first, second] = steps;
  if (first && 'key' in first && first.key === 'items' && second && 'select' in second) {
    for (const [di, d] of docs.table.dimensions.entries())
      for (const [ii, ind] of d.indicators.entries()) {
        const ti = ind.items.findIndex((i) => i.id === second.select);
        if (ti >= 0)
          return {
            file: 'table',
            prefix: `items[${second.select}]`,
            hidden: 6,
            steps: [
              { key: 'dimensions' },
              { index: di },
              { key: 'indicators' },
              { index: ii },
              { key: 'items' },
              { index: ti },
              ...steps.slice(2),
            ],
          };
      }
    const ids = docs.table.dimensions.flatMap((d) => d.indicators.flatMap((i) => i.items.map((x) => x.id)));
    return {
      code: 'RULE081',
      at: 'path',
      message: msg('diag.overlay.noItem', { id: second.select, ids: ids.join(', ') }),
    };
  }
  if (first && 'key' in first && roots[first.key]) {
    const file = roots[first.key];
    // interpretations.yaml is `{ interpretations: [...] }`: the root names the list itself.
    return file === 'interpretations'
      ? { file, prefix: '', hidden: 0, steps }
      : { file, prefix: first.key, hidden: 0, steps: steps.slice(1) };
  }
  return {
    code: 'RULE081',
    at: 'path',
    message: msg('diag.overlay.badRoot'),
  };
}

/** parsePath splits `a.b[c].d` into steps; brackets may hold dots and colons (`items[5.2]`). */
function parsePath(text: string): Step[] | Message {
  const steps: Step[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '[') {
      const end = text.indexOf(']', i);
      if (end < 0) return msg('diag.overlay.unclosed', { at: i + 1 });
      const inner = text.slice(i + 1, end);
      if (!inner) return msg('diag.overlay.emptyBrackets', { at: i + 1 });
      steps.push({ select: inner });
      i = end + 1;
    } else if (c === '.') {
      if (i === 0 || text[i + 1] === undefined || text[i + 1] === '.' || text[i + 1] === '[')
        return msg('diag.overlay.misplacedDot', { at: i + 1 });
      i++;
    } else {
      let end = i;
      while (end < text.length && text[end] !== '.' && text[end] !== '[') end++;
      steps.push({ key: text.slice(i, end) });
      i = end;
    }
  }
  return steps.length ? steps : msg('diag.overlay.emptyPath');
}

function findEntry(list: unknown[], name: string): number {
  const byName = list.findIndex((e) => isObject(e) && entryKeys.some((k) => e[k] === name));
  if (byName >= 0) return byName;
  return /^\d+$/.test(name) && Number(name) < list.length ? Number(name) : -1;
}

function entryName(e: unknown): string | undefined {
  if (!isObject(e)) return undefined;
  for (const k of entryKeys) if (typeof e[k] === 'string') return e[k] as string;
  return undefined;
}

// Names the first `count` steps as the override's author wrote them.
function describe(steps: Step[], count: number, root: { prefix: string; hidden: number }): string | Message {
  let out = root.prefix;
  for (const s of steps.slice(root.hidden, Math.max(root.hidden, count)))
    out += 'key' in s ? `${out ? '.' : ''}${s.key}` : `[${'select' in s ? s.select : s.index}]`;
  return out || msg('diag.overlay.theFile');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isPrefix(a: JsonPath, b: JsonPath): boolean {
  return a.length <= b.length && a.every((s, i) => String(s) === String(b[i]));
}
