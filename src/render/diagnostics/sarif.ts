// Render stage: `check` as SARIF 2.1.0, for code-scanning tools: each code the results use is a rule
// of the driver (with its title and what to do), every problem a result at its file, line and column.
import type { CheckFindings } from '../../diagnostics/findings.js';
import { codeList } from './codes.js';
import type { Diagnostic } from '../../diagnostics/diagnostics.js';
import { defaultLang, type Lang } from '../../diagnostics/i18n.js';
import { localText } from '../../diagnostics/i18n.js';

export const sarifSchema = 'https://json.schemastore.org/sarif-2.1.0.json';

function result(d: Diagnostic, ruleIndex: Map<string, number>, lang: Lang): Record<string, unknown> {
  const r: Record<string, unknown> = {
    ruleId: d.code,
    level: d.severity === 'error' ? 'error' : 'warning',
    message: { text: d.path ? `${d.path} ${localText(d, lang)}` : localText(d, lang) },
  };
  const index = ruleIndex.get(d.code);
  if (index !== undefined) r.ruleIndex = index;
  if (!d.file.startsWith('(')) {
    const physicalLocation: Record<string, unknown> = {
      artifactLocation: { uri: d.file.split('\\').join('/'), uriBaseId: '%SRCROOT%' },
    };
    if (d.line !== undefined && d.line > 0)
      physicalLocation.region =
        d.column !== undefined && d.column > 0 ? { startLine: d.line, startColumn: d.column } : { startLine: d.line };
    r.locations = [{ physicalLocation }];
  }
  return r;
}

// SARIF wants a rule name that reads as an identifier: "Cap above the item's maxPoints" → CapAboveTheItemsMaxPoints.
function identifier(title: string): string {
  return title
    .replace(/[^A-Za-z0-9 ]/g, '')
    .split(' ')
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

/** renderCheckSarif renders the report as one SARIF log with one run. */
export function renderCheckSarif(report: CheckFindings, lang: Lang = defaultLang): string {
  // The driver lists the codes the results use (as ESLint's SARIF output does), in declaration order.
  const usedCodes = new Set(report.diagnostics.map((d) => d.code));
  const rules = codeList.filter((c) => usedCodes.has(c.code));
  const ruleIndex = new Map(rules.map((c, i) => [c.code as string, i]));
  const log = {
    $schema: sarifSchema,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'credit-policy',
            fullName: 'credit-policy check',
            rules: rules.map((c) => ({
              id: c.code,
              name: identifier(c.title),
              shortDescription: { text: c.title },
              help: { text: c.help },
              defaultConfiguration: { level: c.severity },
            })),
          },
        },
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: report.notes.map((n) => ({ level: 'note', message: { text: n } })),
          },
        ],
        results: report.diagnostics.map((d) => result(d, ruleIndex, lang)),
        properties: {
          ruleTests: { passed: report.ruleTests.passed, failed: report.ruleTests.failed },
          ...(report.coverage ? { coverage: report.coverage } : {}),
        },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
