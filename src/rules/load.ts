// Rules stage: reads one ruleset folder (YAML kept with positions), validates every file against its
// schema and the ruleset as a whole, and returns a RuleSet, or every problem found at once. A folder
// is read from the file system or, through a RuleFolder, from anywhere else (a git revision). An
// overlay folder (`extends` in its ruleset.yaml) is resolved against its base into a full RuleSet.
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { compileSchema } from '../validation/ajv.js';
import { explainMessages, pointerSegments } from '../diagnostics/explain.js';
import type { Code } from '../diagnostics/codes.js';
import { hasErrors, RulesError, type Diagnostic } from '../diagnostics/diagnostics.js';
import { notVerbatim } from '../diagnostics/quotes.js';
import { asMessage, type Message, msg } from '../diagnostics/message.js';
import { checkDerivation, derivationFile, inspectDerivation, validateDerivation } from './derivation.js';
import { hashFiles } from './hash.js';
import {
  applyOverrides,
  attributeProblem,
  overlayFiles,
  overlayHash,
  type AppliedOverride,
  type DocKey,
  type OverlayDocs,
  type OverrideTarget,
} from './overlay.js';
import { indexItems, indexRules, ruleFiles, type RuleFileKey, type RuleSet, type RulesetMeta } from './ruleset.js';
import { checkRuleset, type RulesetParts } from './semantic.js';
import { readYamlWith, type JsonPath, type YamlSource } from '../diagnostics/yaml-source.js';
import { positioned, readablePath } from '../diagnostics/positioned.js';

const schemaOf: Record<RuleFileKey, string> = {
  meta: 'rules/ruleset.schema.json',
  table: 'rules/scoring-table.schema.json',
  grading: 'rules/grading.schema.json',
  institutions: 'rules/institutions.schema.json',
  interpretations: 'rules/interpretations.schema.json',
};

const validators = new Map<RuleFileKey, ValidateFunction>();
function validatorFor(key: RuleFileKey): ValidateFunction {
  let v = validators.get(key);
  if (!v) {
    v = compileSchema(schemaOf[key]);
    validators.set(key, v);
  }
  return v;
}

/** RuleFolder: where the files of one ruleset folder are read from (a directory, a git revision). */
export interface RuleFolder {
  /** dir names the folder in the RuleSet it gives: a path, or `rev:path` for a git revision. */
  dir: string;
  /** label names one of its files in diagnostics. */
  label(name: string): string;
  /** read returns a file's text, or throws an Error whose message says why it cannot be read. */
  read(name: string): Promise<string>;
  /** sibling is the folder of another ruleset beside this one: where an overlay finds its base. */
  sibling(id: string): RuleFolder;
}

/** fsFolder reads a directory; diagnostics name its files relative to displayRoot. */
export function fsFolder(dir: string, displayRoot = process.cwd()): RuleFolder {
  return {
    dir,
    label: (name) => relative(displayRoot, join(dir, name)) || basename(join(dir, name)),
    read: (name) => readFile(join(dir, name), 'utf8'),
    sibling: (id) => fsFolder(join(dirname(dir), id), displayRoot),
  };
}

/** Inspection: a folder's RuleSet (when it has no errors), every diagnostic, and its source text. */
export interface Inspection {
  ruleset?: RuleSet;
  diagnostics: Diagnostic[];
  /** The text of `source` (source.txt), an overlay's after its base's: what clauses are quoted from. */
  sourceText?: string;
}

/** BaseResolver loads the ruleset an overlay extends, by id. */
export type BaseResolver = (id: string) => Promise<Inspection>;

/** inspectRuleset loads a folder and returns the RuleSet (when it has no errors) and all diagnostics. */
export async function inspectRuleset(
  dir: string,
  displayRoot = process.cwd(),
  resolveBase?: BaseResolver,
): Promise<{ ruleset?: RuleSet; diagnostics: Diagnostic[] }> {
  const { ruleset, diagnostics } = await inspectFolder(fsFolder(dir, displayRoot), resolveBase);
  return ruleset ? { ruleset, diagnostics } : { diagnostics };
}

/** loadRuleset loads a folder or throws RulesError with every problem found. */
export async function loadRuleset(dir: string): Promise<RuleSet> {
  const { ruleset, diagnostics } = await inspectRuleset(dir);
  if (!ruleset) throw new RulesError(diagnostics);
  return ruleset;
}

/** loadFolder loads a RuleFolder (a directory or a git revision) or throws RulesError. */
export async function loadFolder(folder: RuleFolder, resolveBase?: BaseResolver): Promise<RuleSet> {
  const { ruleset, diagnostics } = await inspectFolder(folder, resolveBase);
  if (!ruleset) throw new RulesError(diagnostics);
  return ruleset;
}

/**
 * inspectFolder is the loader itself. An overlay's base comes from resolveBase, or else from the
 * folder beside it named by `extends`; `chain` lists the overlays being resolved, to refuse a cycle.
 */
export async function inspectFolder(
  folder: RuleFolder,
  resolveBase?: BaseResolver,
  chain: readonly string[] = [],
): Promise<Inspection> {
  const diagnostics: Diagnostic[] = [];
  const metaRead = await readSource(folder, ruleFiles.meta);
  diagnostics.push(...metaRead.diagnostics);
  const metaData = metaRead.source?.data as { extends?: unknown } | undefined;
  if (metaRead.source && metaData !== null && typeof metaData === 'object' && 'extends' in metaData)
    return inspectOverlay(folder, metaRead.source, diagnostics, resolveBase, chain);

  const sources = await readRuleFiles(folder, metaRead.source, diagnostics);
  if (hasErrors(diagnostics)) return { diagnostics };

  const parts = {
    meta: sources.meta.data,
    table: sources.table.data,
    grading: sources.grading.data,
    institutions: sources.institutions.data,
    interpretations: (sources.interpretations.data as { interpretations: unknown }).interpretations,
  } as RulesetParts;
  const sourceText = await readSourceText(folder, sources.meta, parts.meta, diagnostics);
  parts.sourceText = sourceText;
  for (const p of checkRuleset(parts))
    diagnostics.push(positioned(sources[p.file], p.code, p.path, p.message, p.severity));
  if (hasErrors(diagnostics)) return { diagnostics };

  const files: { name: string; content: string }[] = (Object.keys(ruleFiles) as RuleFileKey[]).map((k) => ({
    name: ruleFiles[k],
    content: sources[k].text,
  }));
  const derivation = await readDerivation(folder, parts, sourceText, diagnostics, files);
  if (hasErrors(diagnostics)) return { diagnostics };
  const { sourceText: _, ...content } = parts;
  const ruleset = withOverrides(
    {
      id: parts.meta.id,
      dir: folder.dir,
      hash: hashFiles(files),
      files: files.map((f) => ({ name: f.name, sha256: hashFiles([f]).slice('sha256:'.length) })),
      ...content,
      ...(derivation ? { derivation } : {}),
      items: indexItems(parts.table),
      rules: indexRules(parts.table),
    },
    [],
  );
  return { ruleset, diagnostics, sourceText };
}

/** readRuleFiles reads every rule file (meta.yaml already read) and keeps those that fit their schema; the others' problems go to diagnostics. */
async function readRuleFiles(
  folder: RuleFolder,
  meta: YamlSource | undefined,
  diagnostics: Diagnostic[],
): Promise<Record<RuleFileKey, YamlSource>> {
  const sources = {} as Record<RuleFileKey, YamlSource>;
  for (const key of Object.keys(ruleFiles) as RuleFileKey[]) {
    const { source, diagnostics: found } =
      key === 'meta' ? { source: meta, diagnostics: [] } : await readSource(folder, ruleFiles[key]);
    diagnostics.push(...found);
    if (!source) continue;
    const validate = validatorFor(key);
    if (validate(source.data)) sources[key] = source;
    else
      diagnostics.push(
        ...explainMessages(validate.errors, source.data).map((p) =>
          positioned(source, 'RULE003', pointerSegments(p.path), asMessage(p)),
        ),
      );
  }
  return sources;
}

/**
 * readDerivation reads the optional derivation.yaml (a ruleset without it derives no findings from
 * evidence); its problems go to diagnostics and, when it is there, its text to the hashed files.
 */
async function readDerivation(
  folder: RuleFolder,
  parts: RulesetParts,
  sourceText: RulesetParts['sourceText'],
  diagnostics: Diagnostic[],
  files: { name: string; content: string }[],
): Promise<RuleSet['derivation']> {
  const derivationText = await readOptional(folder, derivationFile);
  if (derivationText === undefined) return undefined;
  const found = inspectDerivation(folder.label(derivationFile), derivationText, parts.table, sourceText);
  diagnostics.push(...found.diagnostics);
  if (hasErrors(found.diagnostics)) return undefined;
  files.push({ name: derivationFile, content: derivationText });
  return found.derivation;
}

type OverlayMeta = RulesetMeta & { extends: string; overrides: NonNullable<RulesetMeta['overrides']> };

/** Overlay: an overlay's ruleset.yaml, its overrides applied to its base, and where problems go. */
interface Overlay {
  metaSource: YamlSource;
  meta: OverlayMeta;
  applied: ReturnType<typeof applyOverrides>;
  diagnostics: Diagnostic[];
}

// An overlay: its ruleset.yaml (meta, extends, overrides) over the full RuleSet of its base.
async function inspectOverlay(
  folder: RuleFolder,
  metaSource: YamlSource,
  diagnostics: Diagnostic[],
  resolveBase: BaseResolver | undefined,
  chain: readonly string[],
): Promise<Inspection> {
  const validate = validatorFor('meta');
  if (!validate(metaSource.data)) {
    diagnostics.push(
      ...explainMessages(validate.errors, metaSource.data).map((p) =>
        positioned(metaSource, 'RULE003', pointerSegments(p.path), asMessage(p)),
      ),
    );
    return { diagnostics };
  }
  const meta = metaSource.data as OverlayMeta;
  const base = await overlayBase(folder, metaSource, meta, diagnostics, resolveBase, chain);
  if (!base?.ruleset) return { diagnostics };
  const baseRs = base.ruleset;
  checkOverlaySpan(metaSource, meta, baseRs, diagnostics);

  const overlay: Overlay = { metaSource, meta, applied: applyOverrides(baseRs, meta.overrides), diagnostics };
  for (const p of overlay.applied.problems)
    diagnostics.push(positioned(metaSource, p.code, ['overrides', p.index, ...p.at], p.message));
  if (hasErrors(diagnostics)) return { diagnostics };

  const ownText = await readSourceText(folder, metaSource, meta, diagnostics);
  const sourceText =
    base.sourceText === undefined && ownText === undefined
      ? undefined
      : [base.sourceText, ownText].filter((t) => t !== undefined).join('\n');
  checkOverlayDocs(overlay, ownText, sourceText);
  if (hasErrors(diagnostics)) return { diagnostics };
  const docs = overlay.applied.docs;
  const parts: RulesetParts = { meta, ...overlayParts(docs), sourceText };
  checkOverlayRuleset(overlay, parts, baseRs);
  if (hasErrors(diagnostics)) return { diagnostics };

  const { sourceText: _, ...content } = parts;
  const ruleset = withOverrides(
    {
      id: meta.id,
      dir: folder.dir,
      hash: overlayHash(metaSource.text, baseRs),
      files: overlayFiles(metaSource.text, baseRs),
      ...content,
      // An overlay derives findings as its base does, with its overrides of derivation.yaml.
      ...(docs.derivation ? { derivation: docs.derivation } : {}),
      items: indexItems(parts.table),
      rules: indexRules(parts.table),
    },
    overlay.applied.applied,
  );
  return { ruleset, diagnostics, sourceText };
}

/** overlayBase inspects the ruleset an overlay extends; undefined (and a diagnostic) when it cannot. */
async function overlayBase(
  folder: RuleFolder,
  metaSource: YamlSource,
  meta: OverlayMeta,
  diagnostics: Diagnostic[],
  resolveBase: BaseResolver | undefined,
  chain: readonly string[],
): Promise<Inspection | undefined> {
  if (chain.includes(meta.extends) || meta.extends === meta.id) {
    diagnostics.push(
      positioned(
        metaSource,
        'RULE083',
        ['extends'],
        msg('diag.load.cycle', {
          base: meta.extends,
          id: meta.id,
          chain: [...chain, meta.id, meta.extends].join(' → '),
        }),
      ),
    );
    return undefined;
  }
  const base = await (
    resolveBase ?? ((id: string) => inspectFolder(folder.sibling(id), undefined, [...chain, meta.id]))
  )(meta.extends);
  if (!base.ruleset) {
    const errors = base.diagnostics.filter((d) => d.severity === 'error');
    const message = errors.length
      ? msg('diag.load.baseUnloadableWhy', {
          base: meta.extends,
          count: errors.length,
          file: errors[0].file,
          first: asMessage(errors[0]),
        })
      : msg('diag.load.baseUnloadable', { base: meta.extends });
    diagnostics.push(positioned(metaSource, 'RULE080', ['extends'], message));
    return undefined;
  }
  return base;
}

/** checkOverlaySpan: an overlay's rating years lie within those of the ruleset it extends. */
function checkOverlaySpan(metaSource: YamlSource, meta: OverlayMeta, baseRs: RuleSet, diagnostics: Diagnostic[]): void {
  const { fromYear, untilYear } = meta.effective;
  const baseSpan = baseRs.meta.effective;
  if (
    fromYear < baseSpan.fromYear ||
    (baseSpan.untilYear !== null && (untilYear === null || untilYear > baseSpan.untilYear))
  )
    diagnostics.push(
      positioned(
        metaSource,
        'RULE084',
        ['effective'],
        msg('diag.load.overlaySpan', {
          from: fromYear,
          until: untilYear ?? msg('diag.load.open'),
          base: baseRs.id,
          baseFrom: baseSpan.fromYear,
          baseUntil: baseSpan.untilYear ?? msg('diag.load.open'),
        }),
      ),
    );
}

/**
 * checkOverlayDocs: after the overrides, derivation.yaml is still valid and still fits the table,
 * every override quotes its source verbatim, and every resolved document is still a valid rule file;
 * a problem is shown at the override that caused it.
 */
function checkOverlayDocs(
  { metaSource, meta, applied, diagnostics }: Overlay,
  ownText: string | undefined,
  sourceText: string | undefined,
): void {
  const docs = applied.docs;
  if (docs.derivation) {
    const derivation = docs.derivation;
    const schemaProblems = validateDerivation(derivation);
    for (const p of schemaProblems)
      diagnostics.push(
        overlayProblem(
          metaSource,
          applied.targets,
          docs,
          'derivation',
          pointerSegments(p.path),
          'RULE003',
          asMessage(p),
        ),
      );
    if (!schemaProblems.length)
      for (const p of checkDerivation(derivation, docs.table, sourceText))
        diagnostics.push(overlayProblem(metaSource, applied.targets, docs, 'derivation', p.path, p.code, p.message));
  }
  meta.overrides.forEach((o, n) => {
    const problem = notVerbatim(o.clause, ownText);
    if (problem) diagnostics.push(positioned(metaSource, 'RULE061', ['overrides', n, 'clause'], problem));
  });
  for (const key of ['table', 'grading', 'institutions', 'interpretations'] as const) {
    const v = validatorFor(key);
    if (!v(docs[key]))
      for (const p of explainMessages(v.errors, docs[key]))
        diagnostics.push(
          overlayProblem(metaSource, applied.targets, docs, key, pointerSegments(p.path), 'RULE003', asMessage(p)),
        );
  }
}

/** checkOverlayRuleset: the resolved ruleset is a valid whole; warnings only where an override caused them. */
function checkOverlayRuleset(
  { metaSource, applied, diagnostics }: Overlay,
  parts: RulesetParts,
  baseRs: RuleSet,
): void {
  const docs = applied.docs;
  // The base's own rating years may rest on an interpretation that the overlay's meta does not name.
  const baseReading = baseRs.meta.effective.interpretation;
  const unusedBaseReading = (p: { code: string; file: string; path: JsonPath }) =>
    p.code === 'RULE051' &&
    p.file === 'interpretations' &&
    docs.interpretations.interpretations[Number(p.path[1])]?.id === baseReading;
  for (const p of checkRuleset(parts)) {
    if (unusedBaseReading(p)) continue;
    if (p.file === 'meta') diagnostics.push(positioned(metaSource, p.code, p.path, p.message, p.severity));
    else if (p.severity === 'error' || attributeProblem(applied.targets, p.file, p.path) !== undefined)
      diagnostics.push(
        overlayProblem(metaSource, applied.targets, docs, p.file, p.path, p.code, p.message, p.severity),
      );
  }
}

function overlayParts(docs: OverlayDocs): Omit<RulesetParts, 'meta' | 'sourceText'> {
  return {
    table: docs.table,
    grading: docs.grading,
    institutions: docs.institutions,
    interpretations: docs.interpretations.interpretations,
  };
}

function overlayProblem(
  metaSource: YamlSource,
  targets: readonly (OverrideTarget | undefined)[],
  docs: OverlayDocs,
  file: DocKey,
  path: JsonPath,
  code: Code,
  message: Message,
  severity: Diagnostic['severity'] = 'error',
): Diagnostic {
  const index = attributeProblem(targets, file, path);
  const where = index === undefined ? ['overrides'] : ['overrides', index];
  return positioned(
    metaSource,
    code,
    where,
    msg('diag.overlay.inFile', {
      file: file === 'derivation' ? derivationFile : ruleFiles[file],
      path: readablePath(docs[file], path),
      detail: message,
    }),
    severity,
  );
}

function withOverrides(rs: RuleSet, overrides: AppliedOverride[]): RuleSet {
  return Object.assign(rs, { overrides });
}

function readSource(folder: RuleFolder, name: string): Promise<{ source?: YamlSource; diagnostics: Diagnostic[] }> {
  return readYamlWith(() => folder.read(name), folder.label(name));
}

// A file the folder may lack: undefined when it does not exist.
async function readOptional(folder: RuleFolder, name: string): Promise<string | undefined> {
  try {
    return await folder.read(name);
  } catch {
    return undefined;
  }
}

async function readSourceText(
  folder: RuleFolder,
  metaSource: YamlSource,
  meta: RulesetMeta,
  diagnostics: Diagnostic[],
): Promise<string | undefined> {
  if (!meta.source) return undefined;
  try {
    return await folder.read(meta.source);
  } catch (err) {
    diagnostics.push(
      positioned(
        metaSource,
        'RULE002',
        ['source'],
        msg('diag.load.sourceUnreadable', { reason: (err as Error).message }),
      ),
    );
    return undefined;
  }
}
