// Render stage: `check` as JUnit XML for CI dashboards: one testsuite per ruleset (its rule tests, and
// its problems as failing testcases), one for the Rego, and one for problems outside both.
import { basename } from 'node:path';
import type { CheckFindings } from '../../diagnostics/findings.js';
import type { Diagnostic } from '../../diagnostics/diagnostics.js';
import { diagnosticLine } from './text.js';
import { defaultLang, type Lang, localText, renderMessage } from '../../diagnostics/i18n.js';
import { msg } from '../../diagnostics/message.js';

interface Case {
  name: string;
  classname: string;
  file?: string;
  line?: number;
  /** Present when the case failed. */
  failure?: { message: string; type: string; text: string };
  /** Shown beside a passing case: a warning, which JUnit has no state for. */
  out?: string;
}

/** escapeXml escapes text and attribute values, and drops characters XML 1.0 cannot hold. */
export function escapeXml(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

// An error is a failing testcase; a warning a passing one that carries its text.
function diagnosticCase(d: Diagnostic, lang: Lang): Case {
  const where = [d.file, d.line, d.column].filter((x) => x !== undefined).join(':');
  const c: Case = {
    name: `${d.code} ${where}${d.path ? ` ${d.path}` : ''}`,
    classname: d.file,
    file: d.file,
    line: d.line,
  };
  if (d.severity === 'error') c.failure = { message: localText(d, lang), type: d.code, text: diagnosticLine(d, lang) };
  else c.out = diagnosticLine(d, lang);
  return c;
}

function isUnder(file: string, dir: string): boolean {
  return dir === '.' || file === dir || file.startsWith(`${dir}/`);
}

/** renderCheckJunit renders the report as one <testsuites> document. */
export function renderCheckJunit(report: CheckFindings, lang: Lang = defaultLang): string {
  const all = [...suitesOf(report, lang).entries()];
  const total = all.reduce((n, [, cases]) => n + cases.length, 0);
  const failed = all.reduce((n, [, cases]) => n + failures(cases), 0);
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="credit-policy check" tests="${total}" failures="${failed}" errors="0" skipped="0">`,
  ];
  for (const [name, cases] of all) {
    out.push(
      `  <testsuite name="${escapeXml(name)}" tests="${cases.length}" failures="${failures(cases)}" errors="0" skipped="0">`,
    );
    for (const c of cases) out.push(...testcaseLines(c));
    out.push('  </testsuite>');
  }
  if (report.notes.length)
    out.push(`  <!-- ${report.notes.map((n) => escapeXml(n).replace(/--/g, '- -')).join(' | ')} -->`);
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}

/** suitesOf groups the report's cases by suite: one per ruleset, one for the Rego, one for the rest of policies/. */
function suitesOf(report: CheckFindings, lang: Lang): Map<string, Case[]> {
  const suites = new Map<string, Case[]>();
  const suite = (name: string) => suites.get(name) ?? suites.set(name, []).get(name)!;
  for (const rs of report.checked.rulesets) suite(rs.id);
  if (report.checked.rego.length) suite('rego');
  for (const t of report.ruleTests.tests) {
    const c: Case = {
      name: t.name,
      classname: `${t.ruleset}.${basename(t.file).replace(/\.ya?ml$/, '')}`,
      file: t.file,
      line: t.line,
    };
    if (!t.passed) {
      // In the reader's language, from the messages; a record without them (older JSON) keeps its English.
      const said = t.failureMessages?.length ? t.failureMessages.map((m) => renderMessage(m, lang)) : t.failures;
      const message = said.reduceRight((rest, first) =>
        renderMessage(msg('diag.test.failureSeparator', { first, rest }), lang),
      );
      c.failure = { message, type: 'TEST002', text: said.join('\n') };
    }
    suite(t.ruleset).push(c);
  }
  for (const d of report.diagnostics) {
    if (d.code === 'TEST002') continue; // already the failing rule test above
    const owner = d.code.startsWith('REGO')
      ? 'rego'
      : (report.checked.rulesets.find((rs) => isUnder(d.file, rs.dir))?.id ?? 'policies');
    suite(owner).push(diagnosticCase(d, lang));
  }
  const rego = suites.get('rego');
  if (rego && rego.length === 0)
    rego.push({
      name: 'opa check --strict, opa fmt, opa test (rego and wasm)',
      classname: report.checked.rego.join(' '),
    });
  return suites;
}

function failures(cases: Case[]): number {
  return cases.filter((c) => c.failure).length;
}

/** testcaseLines is one <testcase>, with its failure and output when it has them. */
function testcaseLines(c: Case): string[] {
  const attrs = [`name="${escapeXml(c.name)}"`, `classname="${escapeXml(c.classname)}"`];
  if (c.file) attrs.push(`file="${escapeXml(c.file)}"`);
  if (c.line !== undefined) attrs.push(`line="${c.line}"`);
  if (!c.failure && !c.out) return [`    <testcase ${attrs.join(' ')}/>`];
  const out = [`    <testcase ${attrs.join(' ')}>`];
  if (c.failure)
    out.push(
      `      <failure message="${escapeXml(c.failure.message)}" type="${escapeXml(c.failure.type)}">${escapeXml(c.failure.text)}</failure>`,
    );
  if (c.out) out.push(`      <system-out>${escapeXml(c.out)}</system-out>`);
  out.push('    </testcase>');
  return out;
}
