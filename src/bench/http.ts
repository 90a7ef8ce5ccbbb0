// Bench section: HTTP on loopback, our service against OPA's own server on the same Rego and data,
// after checking both give the same answers: maximum throughput, latency at half of it and at one
// common rate.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { ratingEntrypoint, wasmPath } from '../artifacts/artifacts.js';
import { canonicalJson } from '../audit/canonical.js';
import { PolicyModule } from '../engine/engine.js';
import { comparableCompact } from '../rating/compact.js';
import { compilePolicyData } from '../rules/compile.js';
import { ensureOpa } from '../toolchain/ensure-opa.js';
import { numberArg, type Section } from './section.js';
import { type Running, startOpa, startOurs } from './servers.js';
import { fmt } from './stats.js';

interface HttpFigures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

type Request = { method: string; path: string; body: string; headers: Record<string, string> };

export const httpSection: Section = {
  name: 'http',
  async run(ctx) {
    const seconds = numberArg(ctx, 'http-seconds', 10);
    const load = (url: string, requests: Request[], rate?: number) => loadRun(url, requests, seconds, rate);
    const dir = await mkdtemp(join(tmpdir(), 'credit-policy-bench-'));
    const data = compilePolicyData(ctx.rs);
    const ours = await startOurs();
    let peer: Running | undefined;
    try {
      peer = await startOpa(ensureOpa(), data, dir);
      const mismatches = await compareWithOpa(
        peer,
        data,
        ctx.cases.slice(0, 120).map((c) => c.input),
      );
      const oursBodies = ctx.bodies.slice(0, 60).map((b) => ({
        method: 'POST',
        path: '/v1/evaluate',
        body: b,
        headers: { 'content-type': 'application/json', ...ours.headers },
      }));
      const opaBodies = ctx.bodies.slice(0, 60).map((b) => ({
        method: 'POST',
        path: '/v1/data/rating/result',
        body: `{"input":${b}}`,
        headers: { 'content-type': 'application/json' },
      }));
      const oursMax = await load(ours.url, oursBodies);
      const opaMax = await load(peer.url, opaBodies);
      const oursHalf = await load(ours.url, oursBodies, oursMax.rps / 2);
      const opaHalf = await load(peer.url, opaBodies, opaMax.rps / 2);
      const commonRate = Math.min(oursMax.rps, opaMax.rps) / 2;
      const h = {
        ours: { ...oursMax, p50: oursHalf.p50, p99: oursHalf.p99, errors: oursMax.errors + oursHalf.errors },
        opa: { ...opaMax, p50: opaHalf.p50, p99: opaHalf.p99, errors: opaMax.errors + opaHalf.errors },
        common: {
          ours: await load(ours.url, oursBodies, commonRate),
          opa: await load(peer.url, opaBodies, commonRate),
        },
      };
      return {
        lines: [
          `## HTTP on loopback (autocannon, ${seconds} s per run)`,
          `- OPA server answers equal ours for ${120 - mismatches} of 120 inputs${mismatches ? ' — COMPARISON VOID' : ''}`,
          `- ours: max ${fmt(h.ours.rps)} req/s; at half of it p50 ${fmt(h.ours.p50, 2)} ms, p99 ${fmt(h.ours.p99, 2)} ms; errors ${h.ours.errors}`,
          `- OPA:  max ${fmt(h.opa.rps)} req/s; at half of it p50 ${fmt(h.opa.p50, 2)} ms, p99 ${fmt(h.opa.p99, 2)} ms; errors ${h.opa.errors}`,
          `- both at ${fmt(commonRate)} req/s: ours p99 ${fmt(h.common.ours.p99, 2)} ms, OPA p99 ${fmt(h.common.opa.p99, 2)} ms`,
        ],
        rows: [
          {
            measure: 'HTTP max throughput (req/s)',
            ours: fmt(h.ours.rps),
            opa: fmt(h.opa.rps),
            ratio: `${fmt(h.ours.rps / h.opa.rps, 2)}×`,
            target: '≥ 2×',
            met: h.ours.rps >= 2 * h.opa.rps,
          },
          {
            measure: `HTTP p99 at ${fmt(commonRate)} req/s (ms)`,
            ours: fmt(h.common.ours.p99, 2),
            opa: fmt(h.common.opa.p99, 2),
            ratio: `${fmt(h.common.ours.p99 / h.common.opa.p99, 2)}×`,
            target: '≤ 1×',
            met: h.common.ours.p99 <= h.common.opa.p99,
          },
          {
            measure: 'HTTP errors',
            ours: String(h.ours.errors),
            opa: String(h.opa.errors),
            target: '0',
            met: h.ours.errors === 0,
          },
        ],
        gaps: [
          h.ours.rps < 2 * h.opa.rps && `HTTP throughput is ${fmt(h.ours.rps / h.opa.rps, 2)}× OPA's, not 2×`,
          h.common.ours.p99 > h.common.opa.p99 && `HTTP p99 is above OPA's at the same rate`,
          h.ours.errors > 0 && `${h.ours.errors} HTTP errors`,
          mismatches > 0 && `OPA's server answered ${mismatches} of 120 inputs differently`,
        ].filter((g): g is string => typeof g === 'string'),
      };
    } finally {
      await peer?.stop();
      await ours.stop();
      await rm(dir, { recursive: true, force: true });
    }
  },
};

async function compareWithOpa(peer: Running, data: unknown, inputs: unknown[]): Promise<number> {
  const policy = await (await PolicyModule.fromFile(wasmPath)).instantiate(data);
  let mismatches = 0;
  for (const input of inputs) {
    const res = await fetch(`${peer.url}/v1/data/rating/result`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input }),
    });
    const theirs = ((await res.json()) as { result: unknown }).result;
    if (
      canonicalJson(comparableCompact(theirs)) !==
      canonicalJson(comparableCompact(policy.evaluate(input, ratingEntrypoint)))
    )
      mismatches++;
  }
  return mismatches;
}

async function loadRun(url: string, requests: Request[], seconds: number, rate?: number): Promise<HttpFigures> {
  const r = await autocannon({
    url,
    connections: 32,
    duration: seconds,
    requests,
    ...(rate ? { overallRate: Math.max(1, Math.round(rate)) } : {}),
  });
  return {
    rps: r.requests.total / r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts + r.non2xx,
  };
}
