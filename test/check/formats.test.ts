// The output formats of `check`: one golden output per format on the tiny fixture (a warning, a
// failing rule test and coverage gaps), the same exit code whatever the format, SARIF that holds
// together, JUnit that is well-formed XML, and GitHub commands escaped as GitHub documents.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/artifacts/artifacts.js';
import type { CheckFindings } from '../../src/diagnostics/findings.js';
import { codes } from '../../src/render/diagnostics/codes.js';
import { renderCheckGithub, escapeData, escapeProperty } from '../../src/render/diagnostics/github.js';
import { escapeXml, renderCheckJunit } from '../../src/render/diagnostics/junit.js';

const cli = `${repoRoot}dist/cli/main.js`;
const fixture = 'test/check/fixtures/tiny';
const golden = (name: string) => `${repoRoot}test/check/golden/${name}`;

function check(format: string, lang?: string) {
  const langArgs = lang ? ['--lang', lang] : [];
  const r = spawnSync(process.execPath, [cli, 'check', fixture, '--coverage', '--format', format, ...langArgs], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const outputs = Object.fromEntries(['text', 'json', 'github', 'junit', 'sarif'].map((f) => [f, check(f, 'en')]));
// Chinese is the default: the same fixture without --lang, for the two formats a person reads.
outputs['text (zh)'] = check('text');
outputs['github (zh)'] = check('github');
const files: Record<string, string> = {
  'text (zh)': 'tiny.zh.txt',
  'github (zh)': 'tiny.github.zh.txt',
  text: 'tiny.txt',
  json: 'tiny.json',
  github: 'tiny.github.txt',
  junit: 'tiny.junit.xml',
  sarif: 'tiny.sarif',
};

describe('check output formats on the tiny fixture', () => {
  it.each(Object.keys(files))('%s matches its golden file and exits 1', (format) => {
    const { code, stdout, stderr } = outputs[format];
    if (process.env.UPDATE_GOLDEN) writeFileSync(golden(files[format]), stdout);
    expect(stderr).toBe('');
    expect(stdout).toBe(readFileSync(golden(files[format]), 'utf8'));
    expect(code).toBe(1);
  });

  it('json is the report model', () => {
    const report = JSON.parse(outputs.json.stdout) as CheckFindings;
    expect(report.ruleTests).toMatchObject({ passed: 2, failed: 1 });
    expect(report.diagnostics.map((d) => d.code)).toEqual([
      'RULE060',
      'TEST002',
      'COV001',
      'COV001',
      'COV001',
      'COV001',
      'COV001',
    ]);
    expect(report.coverage).toMatchObject([{ ruleset: 'tiny', covered: 8, total: 13 }]);
  });

  it('sarif is a 2.1.0 log whose results name declared rules at a region', () => {
    const log = JSON.parse(outputs.sarif.stdout);
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toMatch(/sarif-2\.1\.0/);
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0];
    expect(run.tool.driver.name).toBe('credit-policy');
    const rules = run.tool.driver.rules as { id: string; shortDescription: { text: string }; help: { text: string } }[];
    expect(rules.map((r) => r.id)).toEqual(['RULE060', 'TEST002', 'COV001']);
    for (const r of rules) expect(r.shortDescription.text).toBe(codes[r.id as keyof typeof codes].title);
    for (const r of rules) expect(r.help.text.length, r.id).toBeGreaterThan(0);
    expect(run.results.length).toBe(7);
    for (const res of run.results) {
      expect(rules[res.ruleIndex].id).toBe(res.ruleId);
      expect(['error', 'warning', 'note']).toContain(res.level);
      expect(res.message.text.length).toBeGreaterThan(0);
      const loc = res.locations[0].physicalLocation;
      expect(loc.artifactLocation.uri).toMatch(/^test\/check\/fixtures\/tiny\//);
      expect(loc.region.startLine).toBeGreaterThan(0);
      expect(loc.region.startColumn).toBeGreaterThan(0);
    }
  });

  it('junit is well-formed XML with one suite per ruleset, each rule test a case, each error a failing case', () => {
    const xml = outputs.junit.stdout;
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml);
    const suite = doc.testsuites.testsuite;
    expect(suite.name).toBe('tiny');
    expect([suite.tests, suite.failures]).toEqual(['9', '6']);
    expect(
      suite.testcase.filter((c: { failure?: unknown }) => c.failure).map((c: { name: string }) => c.name),
    ).toContain('One lapse costs one point (wrong on purpose, it costs 1 and leaves 9)');
  });
});

const report = (diagnostics: CheckFindings['diagnostics'], notes: string[] = []): CheckFindings => ({
  checked: { rulesets: [{ id: 'x', dir: 'p/x' }], rego: [], obligations: [], calendars: [] },
  diagnostics,
  ruleTests: { passed: 0, failed: 0, tests: [] },
  notes,
});

describe('escaping', () => {
  it('github: % CR LF in messages; also : and , in properties', () => {
    expect(escapeData('50% done\r\nnext: a, b')).toBe('50%25 done%0D%0Anext: a, b');
    expect(escapeProperty('C:\\a,b%\n')).toBe('C%3A\\a%2Cb%25%0A');
    const out = renderCheckGithub(
      report(
        [
          {
            code: 'REGO002',
            severity: 'error',
            file: 'p/a,b:c.rego',
            line: 3,
            message: 'is not formatted:\n-x\n+y (100%)',
          },
        ],
        ['regal: skipped'],
      ),
      'en',
    );
    expect(out.split('\n')).toEqual([
      '::error file=p/a%2Cb%3Ac.rego,line=3,title=REGO002::is not formatted:%0A-x%0A+y (100%25)',
      '::notice::regal: skipped',
      'check failed: 1 error; 0 warnings; rule tests: 0 passed, 0 failed',
      '',
    ]);
  });

  it('junit: markup and control characters never break the XML', () => {
    expect(escapeXml(`<a href="x">'&'</a>\u0007`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
    const xml = renderCheckJunit(
      report(
        [
          {
            code: 'RULE061',
            severity: 'error',
            file: 'p/x/t.yaml',
            line: 1,
            column: 2,
            path: 'a<b>',
            message: 'quotes "x" & <y>\u0001 -- done',
          },
        ],
        ['a -- note'],
      ),
    );
    expect(XMLValidator.validate(xml)).toBe(true);
  });
});
