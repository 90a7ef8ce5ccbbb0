// Engine stage: the only module that touches opa-wasm. One compiled module, instantiated once per
// data document (one per ruleset), evaluated many times.
import { readFile } from 'node:fs/promises';
import { loadPolicy, type LoadedPolicy } from '@open-policy-agent/opa-wasm';
import { describeThrown, EngineError } from './errors.js';

/** PolicyModule: compiled WASM bytes, checked once, ready to be instantiated with data. */
export class PolicyModule {
  private constructor(private readonly module: WebAssembly.Module) {}

  /** compiled is the module itself, which a worker thread can be given without compiling it again. */
  get compiled(): WebAssembly.Module {
    return this.module;
  }

  static async fromFile(path: string): Promise<PolicyModule> {
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (err) {
      throw new EngineError('WASM_LOAD', `cannot read the compiled policy ${path}: ${describeThrown(err)}`);
    }
    return PolicyModule.fromBytes(bytes, path);
  }

  /** fromCompiled wraps a module compiled elsewhere (handed to a worker thread). */
  static fromCompiled(module: WebAssembly.Module): Promise<PolicyModule> {
    return Promise.resolve(new PolicyModule(module));
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

// The parts of the SDK's LoadedPolicy the fast path reads (ABI 1.2: one `opa_eval` call per input).
interface LoadedPolicyInternals {
  minorVersion: number;
  mem: WebAssembly.Memory;
  dataAddr: number;
  dataHeapPtr: number;
  wasmInstance: WebAssembly.Instance;
  entrypoints: Record<string, number>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** PolicyInstance evaluates one entrypoint of a loaded policy against inputs. */
export class PolicyInstance {
  private readonly fast: LoadedPolicyInternals | undefined;

  constructor(private readonly policy: LoadedPolicy) {
    const internals = policy as unknown as LoadedPolicyInternals;
    // The SDK's own evaluate makes a new TextDecoder and scans for the result's end byte by byte in
    // JavaScript on every call; with ABI 1.2 the same `opa_eval` call can be made directly.
    this.fast =
      internals.minorVersion >= 2 && typeof internals.wasmInstance?.exports?.opa_eval === 'function'
        ? internals
        : undefined;
  }

  get entrypoints(): string[] {
    return Object.keys(this.policy.entrypoints ?? {});
  }

  /** evaluate returns the entrypoint's value; `input` may be an object or JSON bytes. */
  evaluate(input: unknown, entrypoint: string): unknown {
    return this.run(entrypoint, () => JSON.stringify(input), input);
  }

  /** evaluateJson is evaluate for an input already written as JSON text (built or sent as text). */
  evaluateJson(json: string, entrypoint: string): unknown {
    return this.run(entrypoint, () => json);
  }

  private run(entrypoint: string, text: () => string, input?: unknown): unknown {
    if (!(entrypoint in (this.policy.entrypoints ?? {})))
      throw new EngineError(
        'WASM_ENTRYPOINT',
        `the compiled policy has no entrypoint "${entrypoint}"; it has: ${this.entrypoints.join(', ')}`,
      );
    let resultSet: unknown;
    try {
      resultSet = this.fast
        ? evaluateFast(this.fast, text(), this.fast.entrypoints[entrypoint])
        : this.policy.evaluate(input === undefined ? JSON.parse(text()) : input, entrypoint);
    } catch (err) {
      throw new EngineError('WASM_EVAL', `evaluating ${entrypoint} failed: ${describeThrown(err)}`, err);
    }
    if (!Array.isArray(resultSet) || resultSet.length === 0 || !('result' in (resultSet[0] as object)))
      throw new EngineError(
        'WASM_NO_RESULT',
        `${entrypoint} produced no result (the policy is undefined for this input)`,
      );
    return (resultSet[0] as { result: unknown }).result;
  }
}

/** evaluateFast: the SDK's ABI 1.2 path, with the input written once and the result read natively. */
function evaluateFast(p: LoadedPolicyInternals, text: string, entrypoint: number): unknown {
  // Encoded straight into the module's memory, after the data: UTF-8 takes at most 3 bytes per UTF-16 unit.
  const inputAddr = p.dataHeapPtr;
  const room = text.length * 3;
  const missing = inputAddr + room - p.mem.buffer.byteLength;
  if (missing > 0) p.mem.grow(Math.ceil(missing / 65536));
  const { written } = encoder.encodeInto(text, new Uint8Array(p.mem.buffer, inputAddr, room));
  const exports = p.wasmInstance.exports as { opa_eval: (...args: number[]) => number };
  const resultAddr = exports.opa_eval(0, entrypoint, p.dataAddr, inputAddr, written, inputAddr + written, 0);
  const memory = new Uint8Array(p.mem.buffer);
  const end = memory.indexOf(0, resultAddr);
  return JSON.parse(decoder.decode(memory.subarray(resultAddr, end)));
}
