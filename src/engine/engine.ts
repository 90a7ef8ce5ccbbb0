// Engine stage: the only module that touches opa-wasm. One compiled module, instantiated once per
// data document (one per ruleset), evaluated many times.
import { readFile } from 'node:fs/promises';
import { loadPolicy, type LoadedPolicy } from '@open-policy-agent/opa-wasm';
import { describeThrown, EngineError } from './errors.js';

/** PolicyModule: compiled WASM bytes, checked once, ready to be instantiated with data. */
export class PolicyModule {
  private constructor(private readonly module: WebAssembly.Module) {}

  static async fromFile(path: string): Promise<PolicyModule> {
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (err) {
      throw new EngineError('WASM_LOAD', `cannot read the compiled policy ${path}: ${describeThrown(err)}`);
    }
    return PolicyModule.fromBytes(bytes, path);
  }

  static async fromBytes(bytes: Uint8Array, label = 'policy.wasm'): Promise<PolicyModule> {
    try {
      return new PolicyModule(await WebAssembly.compile(bytes as BufferSource));
    } catch (err) {
      throw new EngineError('WASM_LOAD', `${label} is not a valid WebAssembly module: ${describeThrown(err)}`);
    }
  }

  /** instantiate loads the policy with one data document. */
  async instantiate(data: unknown): Promise<PolicyInstance> {
    let policy: LoadedPolicy;
    try {
      policy = await loadPolicy(this.module);
    } catch (err) {
      throw new EngineError('WASM_LOAD', `cannot instantiate the compiled policy: ${describeThrown(err)}`);
    }
    try {
      policy.setData(data as object);
    } catch (err) {
      throw new EngineError('WASM_DATA', `the compiled policy refused its data: ${describeThrown(err)}`);
    }
    return new PolicyInstance(policy);
  }
}

/** PolicyInstance evaluates one entrypoint of a loaded policy against inputs. */
export class PolicyInstance {
  constructor(private readonly policy: LoadedPolicy) {}

  get entrypoints(): string[] {
    return Object.keys(this.policy.entrypoints ?? {});
  }

  /** evaluate returns the entrypoint's value; `input` may be an object or JSON bytes. */
  evaluate(input: unknown, entrypoint: string): unknown {
    if (!(entrypoint in (this.policy.entrypoints ?? {})))
      throw new EngineError('WASM_ENTRYPOINT', `the compiled policy has no entrypoint "${entrypoint}"; it has: ${this.entrypoints.join(', ')}`);
    let resultSet: unknown;
    try {
      resultSet = this.policy.evaluate(input, entrypoint);
    } catch (err) {
      throw new EngineError('WASM_EVAL', `evaluating ${entrypoint} failed: ${describeThrown(err)}`, err);
    }
    if (!Array.isArray(resultSet) || resultSet.length === 0 || !('result' in (resultSet[0] as object)))
      throw new EngineError('WASM_NO_RESULT', `${entrypoint} produced no result (the policy is undefined for this input)`);
    return (resultSet[0] as { result: unknown }).result;
  }
}
