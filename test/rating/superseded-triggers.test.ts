// Issue 15 (6): a 第十五条 trigger met beside a 第十六条 zero score is still shown, marked applied false
// with its reason, in JSON, text and HTML, and the score, grade and measures stay those of 第十六条.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { renderResultHtml } from '../../src/render/rating/html.js';
import { renderResultText } from '../../src/render/rating/text.js';
import { caseWith, loadRater } from '../helper.js';

const rater = loadRater();

describe('triggers met but superseded', () => {
  it('the zero-score example lists art15-3 as not applied beside art16-3', async () => {
    // examples/zero-score-bank.json: a local institution (某村镇银行, not in annex 1) with 3
    // administrative penalties not remedied meets 第十六条（三）(地方性接入机构被予以 3 次以上行政处罚，
    // 且未有效整改), so its score is 0; it also concealed events, 第十五条（三）, which would lower the
    // grade by one step, but a zero score is D with the measures of 第十七条（五）already.
    const input = JSON.parse(await readFile('examples/zero-score-bank.json', 'utf8'));
    const r = (await rater).evaluate(input);
    if (!r.ok) throw new Error('refused');
    expect([r.result.score, r.result.grade, r.result.measures?.result]).toEqual([0, 'D', 'zero']);
    expect(r.result.zeroScore?.triggers.map((t) => t.id)).toEqual(['art16-3']);
    expect(r.result.downgrade).toBeNull();
    expect(r.result.triggers).toEqual([
      {
        id: 'art16-3',
        article: '第十六条',
        clause:
          '（三）发生征信信息泄露、非法查询等违规案件，全国性接入机构被人民银行及其分支机构予以 5 次以上行政处罚，或者地方性接入机构被予以 3 次以上行政处罚，且未有效整改、征信合规状况持续恶化、存在重大风险隐患的。',
        applied: true,
      },
      {
        id: 'art15-3',
        article: '第十五条',
        clause: '（三）瞒报、迟报、漏报重大风险事件或者违规事件，造成严重后果的。',
        applied: false,
        reason:
          'superseded by 第十六条 (art16-3): the score is set to 0, and a 第十五条 downgrade does not apply on top of a zero score',
        supersededBy: ['art16-3'],
        interpretation: 'zero-score-is-d',
      },
    ]);
    const text = renderResultText(r.result);
    expect(text).toContain('同时符合但未适用（applied: false）：');
    expect(text).toContain('第十五条（三）瞒报、迟报、漏报重大风险事件或者违规事件，造成严重后果的。');
    const html = renderResultHtml(r.result);
    expect(html).toContain('<li data-applied="false">第十五条（三）瞒报、迟报、漏报重大风险事件或者违规事件');
  });

  it('score, grade and measures are the same with or without the superseded trigger', async () => {
    const base = { administrativePenalties: 3, penaltiesUnremedied: true };
    const without = (await rater).evaluate(caseWith({}, { circumstances: base }));
    const withIt = (await rater).evaluate(
      caseWith({}, { circumstances: { ...base, eventsConcealedOrLate: true, obstructedSupervision: true } }),
    );
    if (!without.ok || !withIt.ok) throw new Error('refused');
    const pick = (x: typeof without.result) => [x.score, x.grade, x.measures, x.zeroScore, x.downgrade];
    expect(pick(withIt.result)).toEqual(pick(without.result));
    expect(withIt.result.triggers?.map((t) => [t.id, t.applied])).toEqual([
      ['art16-3', true],
      ['art15-3', false],
      ['art15-7', false],
    ]);
  });

  it('without a zero score every 第十五条 trigger met is applied', async () => {
    // A clean 某市农村商业银行 scores 97 (every item full, no bonus: 100 less the 3 bonus points), an A;
    // 第十五条（七）lowers it one step to B.
    const r = (await rater).evaluate(caseWith({}, { circumstances: { obstructedSupervision: true } }));
    if (!r.ok) throw new Error('refused');
    expect([r.result.score, r.result.grade]).toEqual([97, 'B']);
    expect(r.result.triggers).toEqual([
      {
        id: 'art15-7',
        article: '第十五条',
        clause: '（七）拒绝、阻碍人民银行及其分支机构检查、调查及其他征信管理工作的。',
        applied: true,
      },
    ]);
    expect(renderResultText(r.result)).not.toContain('未适用');
  });
});
