/**
 * Finds the first value inside a task's result that structured clone (worker messages, advanced IPC)
 * cannot carry, so a pool can say which value could not be sent back and why, instead of piscina's
 * bare `{}` or a worker crashing in `process.send`.
 */

/** Where the value sits (e.g. `[2].model.predict`) and why it cannot be sent. */
export interface Uncloneable {
  readonly path: string;
  readonly reason: string;
}

const UNCLONEABLE_CLASSES: ReadonlyArray<[Function, string]> = [
  [Promise, "a Promise cannot be cloned (await it in the task and return its value)"],
  [WeakMap, "a WeakMap cannot be cloned"],
  [WeakSet, "a WeakSet cannot be cloned"],
  [WeakRef, "a WeakRef cannot be cloned"],
];

/** The first uncloneable value in `value`, or undefined when it clones (a guess is never reported as a fault). */
export function findUncloneable(value: unknown, path = "result", seen = new Set<object>()): Uncloneable | undefined {
  if (typeof value === "function") {
    return { path, reason: `a function (${value.name || "anonymous"}) cannot be cloned: only data crosses to the parent, not code` };
  }
  if (typeof value === "symbol") return { path, reason: `a symbol (${String(value)}) cannot be cloned` };
  if (value === null || typeof value !== "object") return undefined;
  if (seen.has(value)) return undefined;
  seen.add(value);
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof SharedArrayBuffer) return undefined;
  if (value instanceof Date || value instanceof RegExp || value instanceof Error) return undefined;
  for (const [Ctor, reason] of UNCLONEABLE_CLASSES) if (value instanceof Ctor) return { path, reason };
  if (value instanceof Map) {
    let i = 0;
    for (const [k, v] of value) {
      const found = findUncloneable(k, `${path}.keys()[${i}]`, seen) ?? findUncloneable(v, `${path}.get(${describeKey(k)})`, seen);
      if (found) return found;
      i++;
    }
    return undefined;
  }
  if (value instanceof Set) {
    let i = 0;
    for (const v of value) {
      const found = findUncloneable(v, `${path}.values()[${i++}]`, seen);
      if (found) return found;
    }
    return undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUncloneable(value[i], `${path}[${i}]`, seen);
      if (found) return found;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    const found = findUncloneable((value as Record<string, unknown>)[key], `${path}.${key}`, seen);
    if (found) return found;
  }
  return undefined;
}

function describeKey(key: unknown): string {
  return typeof key === "string" ? JSON.stringify(key) : String(key);
}
