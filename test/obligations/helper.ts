// Test helper for the obligations: the repo's own obligations, calendars and compiled policy,
// loaded once per test file, and monthly reports built over a clean zero report.
import { beforeAll } from 'vitest';
import { ObligationService } from '../../src/obligations/service.js';
import type { MonthlyReport } from '../../src/obligations/reports.js';

/** useService loads the service in beforeAll; read `.service` inside tests. */
export function useService(): { service: ObligationService } {
  const holder = {} as { service: ObligationService };
  beforeAll(async () => {
    holder.service = await ObligationService.load();
  });
  return holder;
}

export const zeros = {
  abnormalQueries: 0,
  unauthorizedQueries: 0,
  illegalProvisions: 0,
  misuses: 0,
  creditReportLeaks: 0,
};

/** report builds a zero report of 2024-09 for 某市农村商业银行 (北京市) with `over` laid on top. */
export function report(over: Record<string, unknown> = {}): MonthlyReport & Record<string, unknown> {
  return {
    id: 'rcb-2024-09',
    period: '2024-09',
    region: '北京市',
    institution: '某市农村商业银行',
    counts: { ...zeros },
    signatories: { reportingUnit: '某市农村商业银行', signedBy: '张三', reviewedBy: '李四', preparedBy: '王五' },
    ...over,
  } as MonthlyReport & Record<string, unknown>;
}
