// Bench: findings derived from a large generated evidence set (1,000,000 queries, 200,000
// authorizations, 5,000 users, 20,000 staff by default) through the CLI, timed with its peak RSS;
// and the same Rego run by `opa eval` on a 10,000-query sample, checked to give the same findings.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { calendarsDir } from '../obligations/service.js';
import { repoRoot, rulesetsDir, wasmPath } from '../artifacts/artifacts.js';
import { PolicyModule } from '../engine/engine.js';
import { type Context, DerivePolicy, type Totals } from '../evidence/policy.js';
import { Deriver } from '../evidence/service.js';
import { compileDerivationData } from '../rules/derivation.js';
import { opaEval } from '../toolchain/opa-eval.js';
import { fmt, rssMb } from './stats.js';

export interface EvidenceSizes {
  queries: number;
  authorizations: number;
  users: number;
  staff: number;
}

export const fullSizes: EvidenceSizes = { queries: 1_000_000, authorizations: 200_000, users: 5_000, staff: 20_000 };

// A small deterministic generator, so every run derives from the same rows.
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const day = (n: number) => new Date(Date.UTC(2024, 0, 1 + n)).toISOString().slice(0, 10);

async function writeLines(file: string, header: string, n: number, line: (i: number) => string): Promise<void> {
  const out = createWriteStream(file);
  out.write(`${header}\n`);
  let buf = '';
  for (let i = 0; i < n; i++) {
    buf += `${line(i)}\n`;
    if (buf.length > 1 << 16) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

/** generateEvidence writes the four large tables; about 2–5 % of the rows break a rule. */
export async function generateEvidence(dir: string, n: EvidenceSizes, seed = 102): Promise<void> {
  const r = prng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  await writeLines(join(dir, 'staff.csv'), 'id,name,department,employment,joined,left,creditStaff', n.staff, (i) => {
    const kind = r() < 0.02 ? pick(['dispatched', 'temporary']) : 'formal';
    const left = r() < 0.03 ? day(Math.floor(r() * 360)) : '';
    return `S${i},员工${i},信贷部,${kind},2015-01-01,${left},${r() < 0.5 ? 'yes' : 'no'}`;
  });
  await writeLines(
    join(dir, 'users.csv'),
    'id,holder,roles,system,shared,realName,created,changed,filed,disabled,locked,passwordChanged,initialPasswordChanged',
    n.users,
    (i) => {
      const created = r() < 0.2 ? day(Math.floor(r() * 300)) : '2020-01-01';
      const filed = created === '2020-01-01' ? '2020-01-02' : r() < 0.95 ? created : '';
      const roles = r() < 0.02 ? 'query;reporter' : i % 50 === 0 ? 'admin' : 'query';
      return `U${i},S${i % n.staff},${roles},${i % 50 === 0 ? 'database' : 'frontend'},no,${r() < 0.99 ? 'yes' : 'no'},${created},,${filed},,,${day(330 + Math.floor(r() * 30))},${r() < 0.99 ? 'yes' : 'no'}`;
    },
  );
  await writeLines(
    join(dir, 'authorizations.csv'),
    'id,signed,validUntil,purpose,grantee,elements,original,standardForm,prominentNotice',
    n.authorizations,
    (i) => {
      const elements = r() < 0.97 ? 'grantee;period;purpose;signature;date' : 'grantee;purpose';
      return `A${i},2023-12-01,2025-12-31,贷款审批,示例银行,${elements},${r() < 0.995 ? 'yes' : 'no'},${r() < 0.3 ? 'yes' : 'no'},${r() < 0.95 ? 'yes' : 'no'}`;
    },
  );
  await writeLines(
    join(dir, 'queries.csv'),
    'id,user,time,subject,reason,authorization,registered,internalApproval',
    n.queries,
    (i) => {
      const auth = r() < 0.99 ? `A${Math.floor(r() * n.authorizations)}` : '';
      const reason = pick(['loanApproval', 'loanApproval', 'loanApproval', 'postLoan', 'archive', 'guarantee']);
      return `Q${i},U${Math.floor(r() * n.users)},${day(Math.floor(r() * 366))} 10:00,person,${reason},${auth},${r() < 0.99 ? 'yes' : 'no'},${r() < 0.98 ? 'yes' : 'no'}`;
    },
  );
}

export interface EvidenceFigures {
  sizes: EvidenceSizes;
  seconds: number;
  peakMb: number;
  sample: { rows: number; wasmMs: number; opaMs: number; same: boolean };
}

/** benchEvidence runs both measurements and returns the figures and the BENCHMARKS.md lines. */
export async function benchEvidence(
  sizes: EvidenceSizes = fullSizes,
): Promise<{ figures: EvidenceFigures; lines: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'credit-policy-evidence-bench-'));
  try {
    await generateEvidence(dir, sizes);
    const t0 = performance.now();
    const child = spawn(
      process.execPath,
      [
        join(repoRoot, 'dist/cli/main.js'),
        'findings',
        'derive',
        dir,
        '--institution',
        'bench',
        '--year',
        '2024',
        '--users-needed',
        String(sizes.users),
        '--out',
        join(dir, 'findings.json'),
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    let peakMb = 0;
    const timer = setInterval(() => {
      peakMb = Math.max(peakMb, rssMb(child.pid as number).peak || 0);
    }, 50);
    const [code] = (await once(child, 'exit')) as [number];
    clearInterval(timer);
    const seconds = (performance.now() - t0) / 1000;
    if (code !== 0) throw new Error(`findings derive exited ${code}`);
    const sample = await sampleAgainstOpa(sizes);
    const figures: EvidenceFigures = { sizes, seconds, peakMb, sample };
    const ok = seconds <= 60 && peakMb <= 500;
    return {
      figures,
      lines: [
        `## Findings from evidence (${fmt(sizes.queries)} queries, ${fmt(sizes.authorizations)} authorizations, ${fmt(sizes.users)} users, ${fmt(sizes.staff)} staff; CSV)`,
        `- \`credit-policy findings derive\`, one process: ${fmt(seconds, 1)} s, peak RSS ${fmt(peakMb)} MB (target ≤ 60 s and ≤ 500 MB: ${ok ? 'met' : 'NOT met'})`,
        `- the same Rego by \`opa eval\` on a ${fmt(sample.rows)}-query sample: ${sample.same ? 'the same marks and findings' : 'DIFFERENT findings'}; WASM ${fmt(sample.wasmMs)} ms, opa eval ${fmt(sample.opaMs)} ms (opa eval / WASM = ${fmt(sample.opaMs / sample.wasmMs, 1)}×)`,
        '',
      ],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// The 10,000-query sample: derived in process (WASM) with every policy input recorded, then the
// recorded inputs evaluated by `opa eval` on the Rego itself.
export async function sampleAgainstOpa(full: EvidenceSizes): Promise<EvidenceFigures['sample']> {
  const sizes = { queries: 10_000, authorizations: 2_000, users: 500, staff: 2_000 };
  const dir = await mkdtemp(join(tmpdir(), 'credit-policy-evidence-sample-'));
  try {
    await generateEvidence(dir, sizes, 7);
    const deriver = await Deriver.load({ rules: rulesetsDir, wasm: wasmPath, calendars: calendarsDir });
    const marks: unknown[] = [];
    const summaries: unknown[] = [];
    const derived = await deriver.derive({
      dir,
      institution: 'sample',
      year: 2024,
      usersNeeded: sizes.users,
      record: (e, input) => (e === 'marks' ? marks : summaries).push(input),
    });
    const rs = deriver.registry.select(2024);
    // The same inputs through the compiled policy, timed alone (reading and joining are not in either time).
    const policy = await DerivePolicy.load(await PolicyModule.fromFile(wasmPath), rs.derivation!);
    const t0 = performance.now();
    const wasmMarks = marks.map((m) => {
      const c = m as { table: string; context: Context; rows: unknown[] };
      return policy.marks(c.table, c.context, c.rows).length;
    });
    const wasmSummaries = summaries.map((s) => {
      const c = s as { totals: Totals; usersNeeded: number | null };
      return policy.summary(c.totals, c.usersNeeded);
    });
    const wasmMs = performance.now() - t0;
    const t1 = performance.now();
    const v = (await opaEval(
      '{"marks": [count(m) | some c in input.marks; m := data.derive.marks with input as c], "summary": [s | some c in input.summaries; s := data.derive.summary with input as c]}',
      compileDerivationData(rs.derivation!),
      { marks, summaries },
    )) as {
      marks: number[];
      summary: { findings: unknown; undetermined: unknown[] }[];
    };
    const opaMs = performance.now() - t1;
    // The same number of marks per chunk, and the same findings (the policy's summary) from the totals;
    // the host's findings are the summary's, for the items whose tables were supplied.
    const canonical = (s: { findings: unknown; undetermined?: unknown[] }[]) =>
      JSON.stringify(
        s.map((x) => [sortKeys(x.findings), (x.undetermined ?? []).map((u) => JSON.stringify(sortKeys(u))).sort()]),
      );
    const same =
      JSON.stringify(v.marks) === JSON.stringify(wasmMarks) &&
      canonical(v.summary as never) === canonical(wasmSummaries) &&
      Object.entries(derived.findings).every(
        ([item, fs]) => JSON.stringify(sortKeys(fs)) === JSON.stringify(sortKeys(wasmSummaries[0].findings[item])),
      );
    void full;
    return { rows: sizes.queries, wasmMs, opaMs, same };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function sortKeys(v: unknown): unknown {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
  );
}

// `node dist/bench/evidence.js [--queries=N]` runs this part alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const q = Number(process.argv.find((a) => a.startsWith('--queries='))?.split('=')[1] ?? fullSizes.queries);
  const scale = q / fullSizes.queries;
  const sizes = {
    queries: q,
    authorizations: Math.round(fullSizes.authorizations * scale),
    users: Math.max(50, Math.round(fullSizes.users * scale)),
    staff: Math.max(100, Math.round(fullSizes.staff * scale)),
  };
  benchEvidence(sizes).then(
    ({ lines }) => process.stdout.write(`${lines.join('\n')}\n`),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
