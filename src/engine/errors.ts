// Engine stage: the typed failures of loading and running the compiled policy. The opa-wasm SDK
// throws bare strings and returns nothing on some errors; callers only ever see these.

export type EngineErrorCode = 'WASM_LOAD' | 'WASM_DATA' | 'WASM_EVAL' | 'WASM_NO_RESULT' | 'WASM_ENTRYPOINT';

export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    readonly detail?: unknown,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

/** describeThrown turns whatever the SDK threw (a string, an object, an Error) into text. */
export function describeThrown(thrown: unknown): string {
  if (thrown instanceof Error) return thrown.message;
  if (typeof thrown === 'string') return thrown;
  try {
    return JSON.stringify(thrown);
  } catch {
    return String(thrown);
  }
}
