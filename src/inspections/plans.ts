// Inspections stage: reads the inspection plans of a folder (one YAML or JSON file per organizing unit
// and year, with its inspection records), or the plans of a request, validates each against its schema
// and checks what the schema cannot say (dates that exist and follow one another, unique ids, an
// inspected institution that the plan lists). Every problem names its file, line and JSON path.
import { readdir, stat } from 'node:fs/promises';
import { extname, join, relative } from 'node:path';
import type { InspectionPlan, InspectionRecord } from '../../generated/types/inspections/inspection-plan.js';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { positioned } from '../diagnostics/positioned.js';
import { readYamlSource, type JsonPath, type YamlSource } from '../diagnostics/yaml-source.js';
import { compileSchema } from '../validation/ajv.js';
import { explainMessages, pointerSegments } from '../diagnostics/explain.js';
import { asMessage, type Message, msg } from '../diagnostics/message.js';
import { said } from '../diagnostics/i18n.js';
import { parseIsoDate } from '../obligations/dates.js';

export type { InspectionPlan, InspectionRecord };

/** LoadedPlan: one plan and where it came from (a file, or a request's /plans/N). */
export interface LoadedPlan {
  source: string;
  plan: InspectionPlan;
}

const planExtensions = new Set(['.yaml', '.yml', '.json']);
let validate: ReturnType<typeof compileSchema> | undefined;

type Report = (path: JsonPath, message: Message) => void;

/** readPlanDir reads every plan file of a folder, in name order; problems come back as diagnostics. */
export async function readPlanDir(
  dir: string,
  displayRoot = process.cwd(),
): Promise<{ plans: LoadedPlan[]; diagnostics: Diagnostic[] }> {
  const diagnostics: Diagnostic[] = [];
  let names: string[];
  try {
    if (!(await stat(dir)).isDirectory())
      return { plans: [], diagnostics: [problem(dir, msg('diag.inspections.notFolder'))] };
    names = (await readdir(dir)).filter((n) => planExtensions.has(extname(n).toLowerCase())).sort();
  } catch (err) {
    return {
      plans: [],
      diagnostics: [problem(dir, msg('diag.inspections.unreadable', { reason: (err as Error).message }))],
    };
  }
  if (!names.length)
    return {
      plans: [],
      diagnostics: [problem(dir, msg('diag.inspections.noPlans'))],
    };
  const plans: LoadedPlan[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const { source, diagnostics: syntax } = await readYamlSource(path, relative(displayRoot, path) || name);
    diagnostics.push(...syntax);
    if (!source) continue;
    const before = diagnostics.length;
    checkPlan(source.data, (p, message) => diagnostics.push(at(source, p, message)));
    if (diagnostics.length === before) plans.push({ source: source.file, plan: source.data as InspectionPlan });
  }
  crossCheck(plans, (i, p, message) => diagnostics.push({ ...problem(plans[i].source, message), path: readable(p) }));
  return { plans, diagnostics };
}

/** checkPlans validates the plans of a request; problems carry JSON pointers under /plans/N. */
export function checkPlans(data: unknown[]): { plans: LoadedPlan[]; problems: { path: string; message: string }[] } {
  // The API's problems carry English text (the route's schema), as every refusal of the service does.
  const problems: { path: string; message: string }[] = [];
  const plans: LoadedPlan[] = [];
  data.forEach((plan, n) => {
    const before = problems.length;
    checkPlan(plan, (p, message) =>
      problems.push({ path: `/plans/${n}${pointer(p)}`, message: said(message).message }),
    );
    if (problems.length === before) plans.push({ source: `/plans/${n}`, plan: plan as InspectionPlan });
  });
  crossCheck(plans, (i, p, message) =>
    problems.push({ path: `${plans[i].source}${pointer(p)}`, message: said(message).message }),
  );
  return { plans, problems };
}

function checkPlan(data: unknown, report: Report): void {
  validate ??= compileSchema('inspections/inspection-plan.schema.json');
  if (!validate(data)) {
    for (const p of explainMessages(validate.errors, data)) report(pointerSegments(p.path), asMessage(p));
    return;
  }
  const plan = data as InspectionPlan;
  const listed = new Set(plan.institutions);
  const ids = new Set<string>();
  plan.inspections.forEach((r, n) => {
    const rp: JsonPath = ['inspections', n];
    if (ids.has(r.id)) report([...rp, 'id'], msg('diag.inspections.duplicateId', { id: r.id }));
    ids.add(r.id);
    if (!listed.has(r.institution))
      report([...rp, 'institution'], msg('diag.inspections.unlisted', { name: r.institution }));
    const day = (value: string | undefined, path: JsonPath) => {
      if (value === undefined) return undefined;
      const d = parseIsoDate(value);
      if (d === undefined) report(path, msg('diag.inspections.notDate', { value }));
      return d;
    };
    const from = day(r.fieldwork?.from, [...rp, 'fieldwork', 'from']);
    const to = day(r.fieldwork?.to, [...rp, 'fieldwork', 'to']);
    const reportDay = day(r.reportSubmitted, [...rp, 'reportSubmitted']);
    const feedback = day(r.feedbackReceived, [...rp, 'feedbackReceived']);
    const rect = day(r.rectificationSubmitted, [...rp, 'rectificationSubmitted']);
    if (from !== undefined && to !== undefined && from > to)
      report(
        [...rp, 'fieldwork', 'to'],
        msg('diag.inspections.fieldworkReversed', { to: r.fieldwork?.to ?? '', from: r.fieldwork?.from ?? '' }),
      );
    // Each step needs the one it follows (五（五）report after the fieldwork, 五（六）feedback on the
    // report, 六（二）rectification after the feedback) and does not come before it.
    const steps: [number | undefined, Message, JsonPath, number | undefined, Message][] = [
      [
        reportDay,
        msg('diag.inspections.step.report'),
        [...rp, 'reportSubmitted'],
        to,
        msg('diag.inspections.step.fieldworkEnd'),
      ],
      [
        feedback,
        msg('diag.inspections.step.feedback'),
        [...rp, 'feedbackReceived'],
        reportDay,
        msg('diag.inspections.step.report'),
      ],
      [
        rect,
        msg('diag.inspections.step.rectification'),
        [...rp, 'rectificationSubmitted'],
        feedback ?? reportDay,
        msg('diag.inspections.step.feedbackOrReport'),
      ],
    ];
    for (const [d, what, path, before, beforeWhat] of steps) {
      if (d === undefined) continue;
      if (before === undefined) report(path, msg('diag.inspections.stepWithout', { what, before: beforeWhat }));
      else if (d < before) report(path, msg('diag.inspections.stepBefore', { what, before: beforeWhat }));
    }
    if (r.noFindings && rect !== undefined)
      report([...rp, 'noFindings'], msg('diag.inspections.noFindingsButRectified'));
  });
}

// One plan per unit and year, and one record id per unit across its years.
function crossCheck(plans: LoadedPlan[], report: (plan: number, path: JsonPath, message: Message) => void): void {
  const years = new Map<string, number>();
  const ids = new Map<string, string>();
  plans.forEach(({ plan, source }, i) => {
    const key = `${plan.organizingUnit}\u0000${plan.year}`;
    const first = years.get(key);
    if (first !== undefined)
      report(
        i,
        ['year'],
        msg('diag.inspections.twoPlans', {
          unit: plan.organizingUnit,
          year: plan.year,
          first: plans[first].source,
          second: source,
        }),
      );
    else years.set(key, i);
    plan.inspections.forEach((r, n) => {
      const idKey = `${plan.organizingUnit}\u0000${r.id}`;
      const where = ids.get(idKey);
      if (where !== undefined && where !== source)
        report(
          i,
          ['inspections', n, 'id'],
          msg('diag.inspections.idElsewhere', { id: r.id, unit: plan.organizingUnit, where }),
        );
      else ids.set(idKey, source);
    });
  });
}

function pointer(path: JsonPath): string {
  return path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

function readable(path: JsonPath): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
    .join('')
    .replace(/^\./, '');
}

function problem(file: string, message: Message): Diagnostic {
  return { code: 'OBL002', severity: 'error', file, ...said(message) };
}

function at(source: YamlSource, path: JsonPath, message: Message): Diagnostic {
  return positioned(source, 'OBL003', path, message);
}
