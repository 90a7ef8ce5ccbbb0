// Report stage: `check` as JSON: the report model itself, for tools.
import type { CheckReport } from '../../check/report.js';

export function renderCheckJson(report: CheckReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
