// How an error crosses a thread or process boundary: as plain data (name, message, stack, code), rebuilt
// on the other side in the caller's realm. Pools, the communicator and the task graphs all use it.
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly code?: unknown;
  /** Which item of the chunk threw. */
  readonly index?: number;
}

export function serializeError(error: unknown, index?: number): SerializedError {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { name: error.name, message: error.message, stack: error.stack, ...(code === undefined ? {} : { code }), index };
  }
  return { name: "Error", message: `a non-Error value was thrown: ${String(error)}`, index };
}

const BUILTIN: Record<string, ErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  ReferenceError,
  SyntaxError,
  EvalError,
  URIError,
};

/** Rebuilds a worker's error in the caller's realm with the worker's name, message, stack and code. */
export function deserializeError(serialized: SerializedError): Error {
  const Ctor = BUILTIN[serialized.name] ?? Error;
  const error = new Ctor(serialized.message);
  if (error.name !== serialized.name) error.name = serialized.name;
  if (serialized.stack !== undefined) error.stack = serialized.stack;
  if (serialized.code !== undefined) (error as Error & { code?: unknown }).code = serialized.code;
  return error;
}

