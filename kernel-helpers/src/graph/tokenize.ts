/**
 * Stable names for graph nodes: the same function (by source) on the same arguments always gets the
 * same key, in this process and the next. That is what lets two `delayed(inc)(1)` calls share one
 * node (computed once) and what lets a persisted result be found again.
 */
import { createHash, type Hash } from "node:crypto";

/** Anything that already has a key (a `Delayed`): tokenized by that key, not by its contents. */
export interface Keyed {
  readonly key: string;
}

function isKeyed(value: object): value is Keyed {
  return typeof (value as { key?: unknown }).key === "string" && (value as { [KEYED]?: true })[KEYED] === true;
}

/** Marks classes whose instances tokenize by `key` (set on Delayed's prototype). */
export const KEYED = Symbol.for("kernel-helpers.graph.keyed");

function feed(hash: Hash, value: unknown, seen: Set<object>): void {
  switch (typeof value) {
    case "number":
      hash.update(`n${Object.is(value, -0) ? "-0" : value};`);
      return;
    case "string":
      hash.update(`s${value.length}:${value}`);
      return;
    case "boolean":
    case "undefined":
    case "bigint":
      hash.update(`${typeof value}${String(value)};`);
      return;
    case "symbol":
      hash.update(`y${value.description ?? ""};`);
      return;
    case "function":
      hash.update(`f${value.name}:${Function.prototype.toString.call(value)};`);
      return;
  }
  if (value === null) {
    hash.update("null;");
    return;
  }
  const obj = value as object;
  if (isKeyed(obj)) {
    hash.update(`k${obj.key};`);
    return;
  }
  if (seen.has(obj)) {
    hash.update("cycle;");
    return;
  }
  seen.add(obj);
  if (ArrayBuffer.isView(obj)) {
    hash.update(`v${obj.constructor.name}${obj.byteLength}:`);
    hash.update(new Uint8Array(obj.buffer, obj.byteOffset, obj.byteLength));
  } else if (Array.isArray(obj)) {
    hash.update(`a${obj.length}[`);
    for (const item of obj) feed(hash, item, seen);
    hash.update("]");
  } else if (obj instanceof Map) {
    hash.update(`m${obj.size}{`);
    for (const [k, v] of obj) {
      feed(hash, k, seen);
      feed(hash, v, seen);
    }
    hash.update("}");
  } else if (obj instanceof Set) {
    hash.update(`S${obj.size}{`);
    for (const v of obj) feed(hash, v, seen);
    hash.update("}");
  } else if (obj instanceof Date) {
    hash.update(`d${obj.getTime()};`);
  } else {
    // Plain objects and anything else: constructor name plus own enumerable keys in sorted order,
    // so `{a, b}` and `{b, a}` tokenize the same.
    hash.update(`o${obj.constructor?.name ?? ""}{`);
    for (const k of Object.keys(obj).sort()) {
      hash.update(`${k}=`);
      feed(hash, (obj as Record<string, unknown>)[k], seen);
    }
    hash.update("}");
  }
  seen.delete(obj);
}

/**
 * A deterministic 16-hex-digit token of any values: functions by name and source, typed arrays by
 * bytes, `Delayed` values by key, plain objects by sorted keys. Dask's `tokenize`.
 *
 * @example tokenize(inc, 1) === tokenize(inc, 1) // true, in any process
 */
export function tokenize(...values: unknown[]): string {
  const hash = createHash("sha1");
  feed(hash, values, new Set());
  return hash.digest("hex").slice(0, 16);
}

let counter = 0;

/** A token that is never repeated: for impure tasks (`pure: false`), like dask's default. */
export function uniqueToken(): string {
  counter += 1;
  return createHash("sha1").update(`${process.pid}:${Date.now()}:${Math.random()}:${counter}`).digest("hex").slice(0, 16);
}
