// The engine wraps every failure of the opa-wasm SDK (bare strings, nulls) in a typed EngineError.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { PolicyModule } from '../../src/engine/engine.js';
import { EngineError } from '../../src/engine/errors.js';
import { compilePolicyData } from '../../src/rules/compile.js';
import { loadRuleset } from '../../src/rules/load.js';
import { mainRulesetDir, wasmPath } from '../helper.js';

describe('the engine', () => {
  it('refuses a missing file, a truncated module and garbage with WASM_LOAD', async () => {
    await expect(PolicyModule.fromFile('/nonexistent/policy.wasm')).rejects.toMatchObject({
      code: 'WASM_LOAD',
      message: expect.stringContaining('cannot read the compiled policy'),
    });
    const bytes = await readFile(wasmPath);
    await expect(PolicyModule.fromBytes(bytes.subarray(0, bytes.length / 2), 'half.wasm')).rejects.toMatchObject({
      code: 'WASM_LOAD',
      message: expect.stringMatching(/^half\.wasm is not a valid WebAssembly module/),
    });
    await expect(PolicyModule.fromBytes(new TextEncoder().encode('not wasm at all'))).rejects.toBeInstanceOf(
      EngineError,
    );
  });

  it('names the entrypoints when asked for one it does not have', async () => {
    const rs = await loadRuleset(mainRulesetDir);
    const policy = await (await PolicyModule.fromFile(wasmPath)).instantiate(compilePolicyData(rs));
    expect(policy.entrypoints).toContain('rating/result');
    expect(() => policy.evaluate({}, 'rating/nope')).toThrow(
      /has no entrypoint "rating\/nope"; it has: .*rating\/result/,
    );
  });

  it('turns an undefined result into WASM_NO_RESULT instead of returning nothing', async () => {
    const policy = await (await PolicyModule.fromFile(wasmPath)).instantiate({ ruleset: {} });
    let thrown: unknown;
    try {
      policy.evaluate({ institution: { name: 'x' }, year: 2023 }, 'rating/result');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(EngineError);
    expect((thrown as EngineError).code).toMatch(/^WASM_(NO_RESULT|EVAL)$/);
  });
});
