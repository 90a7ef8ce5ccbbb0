#!/usr/bin/env node
// Writes corpus/synthetic-cases.ndjson: SYNTHETIC rating inputs (no real institution, no real finding)
// for `credit-policy impact`, so that a rules change in a pull request moves something a reviewer can
// see. Seeded, so the same seed and rules give byte for byte the same file:
//   node scripts/generate-corpus.mjs [--seed 102] [--cases 3000] [--rules policies/rulesets/yinfa-2018-102]
// The findings each case may hold are read from the ruleset's scoring-table.yaml and grading.yaml, and
// every case is valid input; a severity drawn per case spreads the scores over grades A to D.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '102' },
    cases: { type: 'string', default: '3000' },
    rules: { type: 'string', default: 'policies/rulesets/yinfa-2018-102' },
    out: { type: 'string', default: 'corpus/synthetic-cases.ndjson' },
  },
});

/** mulberry32: a small seeded generator; Math.random cannot be seeded. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(Number(values.seed));
const pick = (list) => list[Math.floor(random() * list.length)];
const round1 = (n) => Math.round(n * 10) / 10;

const table = parse(readFileSync(join(values.rules, 'scoring-table.yaml'), 'utf8'));
const grading = parse(readFileSync(join(values.rules, 'grading.yaml'), 'utf8'));
const items = [];
(function walk(o) {
  if (Array.isArray(o)) return o.forEach(walk);
  if (!o || typeof o !== 'object') return;
  if (o.id && o.findings) items.push({ id: String(o.id), findings: o.findings });
  for (const v of Object.values(o)) walk(v);
})(table);

const nationals = ['中国工商银行', '中国农业银行', '中国银行', '中国建设银行', '交通银行', '招商银行'];
const measured = {
  percent: (name, s) =>
    /deviation/i.test(name) ? round1(random() * 45 * s) : round1(100 - random() * 60 * s * (random() < 0.5 ? 1 : 0.3)),
  number: (_name, s, f) => round1(Math.max(f.minimum ?? 0, (f.maximum ?? 100) - random() * 25 * s)),
};

/** aCase draws one institution: its severity s (0 clean … 1 poor) scales how often and how much it errs. */
function aCase(n) {
  const s = random() ** 0.8;
  const national = random() < 0.2;
  const findings = {};
  for (const item of items) {
    const got = {};
    for (const [name, f] of Object.entries(item.findings)) {
      if (f.type === 'percent' || f.type === 'number') {
        const required = ['5.1', '6.2', '6.3', '7.3'].includes(item.id) && !/disputes/i.test(name);
        if (required || random() < 0.3 * s) got[name] = Math.min(f.maximum ?? 100, measured[f.type](name, s, f));
      } else if (f.type === 'choice') {
        got[name] = random() < 1 - s ? f.options[0] : pick(f.options);
      } else if (f.type === 'flag') {
        // Bonus flags are good news; any other flag usually zeroes an item, so it is rare.
        if (item.id === '18' ? random() < 0.25 * (1 - s) : random() < 0.035 * s) got[name] = true;
      } else if (f.type === 'count' && random() < 0.3 * s) {
        got[name] = Math.min(f.maximum ?? 99, 1 + Math.floor(random() * (1 + 4 * s)));
      }
    }
    if (Object.keys(got).length) findings[item.id] = got;
  }
  const circumstances = {};
  for (const [name, c] of Object.entries(grading.circumstances ?? {})) {
    const p = /criminal/i.test(name) ? 0.002 : 0.01 * s;
    if (random() < p) circumstances[name] = c.type === 'flag' ? true : 1 + Math.floor(random() * 6);
  }
  const id = String(n).padStart(4, '0');
  const institution = national
    ? { name: pick(nationals) }
    : { name: `合成案例${id}农村商业银行（synthetic）`, region: pick(['浙江', '江苏', '四川', '河南', '广东']) };
  if (random() < 0.01) institution.newlyConnected = true;
  const input = { institution, year: 2019 + Math.floor(random() * 7), findings };
  if (Object.keys(circumstances).length) input.circumstances = circumstances;
  return input;
}

const lines = [];
for (let n = 1; n <= Number(values.cases); n++) lines.push(JSON.stringify(aCase(n)));
// Written whole to a temporary file and renamed, so an interrupted run never leaves half a corpus.
writeFileSync(`${values.out}.tmp`, `${lines.join('\n')}\n`);
renameSync(`${values.out}.tmp`, values.out);
process.stdout.write(`${values.out}: ${lines.length} synthetic cases (seed ${values.seed})\n`);
