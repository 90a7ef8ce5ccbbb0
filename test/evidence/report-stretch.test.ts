// The rating reports show a 5.4 idle stretch beside its row: the days without a query and what bounds
// them (a query row, or the user's creation, the lastQuery column, the year's start or end, the as-of
// day), Chinese by default and English with --lang en, escaped in HTML.
import { describe, expect, it } from 'vitest';
import { translator } from '../../src/diagnostics/i18n.js';
import { deductionEvidenceHtml, deductionEvidenceLines } from '../../src/render/rating/evidence.js';
import { renderFindingsText } from '../../src/render/findings-text.js';
import type { DerivedFindings } from '../../generated/types/evidence/findings.js';

type Evidence = Parameters<typeof deductionEvidenceLines>[1];

const evidence = (rows: Evidence['rows']): Evidence => ({
  finding: 'userDeactivationFailures',
  source: 'derived',
  total: rows.length,
  rows,
});

const idle = (
  after: NonNullable<Evidence['rows'][number]['stretch']>['after'],
  before: NonNullable<Evidence['rows'][number]['stretch']>['before'],
) =>
  evidence([
    {
      table: 'users',
      row: 2,
      key: 'U01',
      why: 'idle-not-locked',
      stretch: { from: '2024-03-02', to: '2024-04-30', days: 60, after, before },
    },
  ]);

describe('an idle stretch in the rating reports', () => {
  it('names its dates, days and the bounds in place of query rows, in Chinese', () => {
    const zh = translator('zh');
    expect(deductionEvidenceLines(zh, idle('created', 'as-of'), undefined)).toEqual([
      '      证据：users 第 2 行 U01（idle-not-locked：2024-03-02 至 2024-04-30 共 60 天无查询，此前：用户创建，此后：截至日）',
    ]);
    expect(deductionEvidenceLines(zh, idle('lastQuery', 'period-end'), undefined)[0]).toContain(
      '此前：用户表所记最后查询，此后：年度结束）',
    );
  });

  it('in English with the query rows on either side', () => {
    const en = translator('en');
    const e = idle({ table: 'queries', row: 7, key: 'Q006' }, { table: 'queries', row: 3, key: 'Q002' });
    expect(deductionEvidenceLines(en, e, undefined)).toEqual([
      '      Evidence: users row 2 U01 (idle-not-locked: no query from 2024-03-02 to 2024-04-30, 60 days, after queries row 7 Q006 and before queries row 3 Q002)',
    ]);
    expect(deductionEvidenceLines(en, idle('period-start', 'created'), undefined)[0]).toContain(
      "after the year's start and before the user's creation)",
    );
  });

  it('leaves a row without a stretch as it was, and escapes the HTML', () => {
    const zh = translator('zh');
    const e = evidence([{ table: 'users', row: 3, key: 'U<2>', why: 'not-stopped-on-leaving' }]);
    expect(deductionEvidenceLines(zh, e, undefined)).toEqual([
      '      证据：users 第 3 行 U<2>（not-stopped-on-leaving）',
    ]);
    expect(deductionEvidenceHtml(translator('en'), idle('period-start', 'as-of'), undefined)).toBe(
      '<ul class="evidence"><li>users row 2 U01 (idle-not-locked: no query from 2024-03-02 to 2024-04-30, 60 days, after the year&#39;s start and before the as-of day)</li></ul>',
    );
  });

  it('says how many rows are not listed and where they all are, when a finding has more than the report lists', () => {
    const row = (n: number) => ({ table: 'queries', row: n + 1, key: `Q${n}`, why: 'no-authorization' });
    const capped: Evidence = { ...evidence([row(1), row(2)]), total: 75 };
    expect(deductionEvidenceLines(translator('zh'), capped, 'out/findings.json')).toEqual([
      '      证据：queries 第 2 行 Q1（no-authorization）；queries 第 3 行 Q2（no-authorization） … 另有 73 行未在此列出（共 75 行），全部见 out/findings.json',
    ]);
    expect(deductionEvidenceLines(translator('zh'), capped, undefined)[0]).toMatch(
      /… 另有 73 行未在此列出（共 75 行）；全部行可由 credit-policy findings derive 写入事实文件$/,
    );
    expect(deductionEvidenceLines(translator('en'), capped, 'out/findings.json')[0]).toMatch(
      /queries row 3 Q2 \(no-authorization\) … 73 more not listed here \(75 rows in all\), all in out\/findings\.json$/,
    );
    expect(deductionEvidenceHtml(translator('zh'), capped, 'out/findings.json')).toContain(
      '<li>… 另有 73 行未在此列出（共 75 行），全部见 out/findings.json</li></ul>',
    );
  });

  it('findings derive lists up to 50 rows of a finding, then how many more and where', () => {
    const rows = Array.from({ length: 52 }, (_, n) => ({
      table: 'queries',
      row: n + 2,
      key: `Q${n}`,
      why: 'no-authorization',
    }));
    const f = {
      institution: '某银行',
      year: 2024,
      asOf: '2025-01-15',
      ruleset: { id: 'yinfa-2018-102', hash: 'sha256:0' },
      tables: [],
      derived: [{ item: '8.1', finding: 'queriesWithoutAuthorization', value: 52, total: 52, rows }],
      notDerived: [],
    } as unknown as DerivedFindings;
    const zh = renderFindingsText(f, 'findings.json', 'zh').split('\n');
    expect(zh.filter((l) => l.startsWith('      queries 第'))).toHaveLength(50);
    expect(zh).toContain('      … 另有 2 行未在此列出（共 52 行），全部见 findings.json');
    expect(renderFindingsText(f, 'findings.json', 'en')).toContain(
      '      … 2 more not listed here (52 rows in all), every one in findings.json\n',
    );
  });
});
