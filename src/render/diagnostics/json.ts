// Render stage: `check` as JSON: the report model itself, for tools.
import type { CheckFindings } from '../../diagnostics/findings.js';

export function renderCheckJson(report: CheckFindings): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
