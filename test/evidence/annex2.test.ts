// Incidents to annex 2: twelve monthly drafts of the year, zero reports included, through the existing
// report validation; a month with events counts them by type with their descriptions as remarks.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/artifacts/artifacts.js';
import { exampleDir } from './helper.js';

describe('findings annex2', () => {
  it('drafts the twelve months of the synthetic example, two with one event each', async () => {
    const out = await mkdtemp(join(tmpdir(), 'cp-annex2-'));
    const r = spawnSync(
      process.execPath,
      [
        `${repoRoot}dist/cli/main.js`,
        'findings',
        'annex2',
        exampleDir,
        ...['--institution', '示例农村商业银行', '--region', '示例省', '--year', '2024'],
        ...['--reporting-unit', '示例农村商业银行', '--signed-by', '甲', '--reviewed-by', '乙', '--prepared-by', '丙'],
        ...['--out-dir', out],
      ],
      { cwd: repoRoot, encoding: 'utf8' },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect((await readdir(out)).sort()).toHaveLength(12);
    const may = JSON.parse(await readFile(join(out, '2024-05.json'), 'utf8'));
    expect(may.counts).toEqual({
      abnormalQueries: 0,
      unauthorizedQueries: 1,
      illegalProvisions: 0,
      misuses: 0,
      creditReportLeaks: 0,
    });
    expect(may.remarks).toEqual({ unauthorizedQueries: '2024-05-18 I01 查询日期早于授权日期（Q002）' });
    const june = JSON.parse(await readFile(join(out, '2024-06.json'), 'utf8'));
    expect(Object.values(june.counts)).toEqual([0, 0, 0, 0, 0]);
    expect(june.remarks).toBeUndefined();
    const october = JSON.parse(await readFile(join(out, '2024-10.json'), 'utf8'));
    expect(october.counts.abnormalQueries).toBe(1);
  });
});
