// What travels between a pool and its workers (threads and processes alike), and how errors cross.
import type { SerializedError } from "../ship/serialize-error";
import type { ShippedFunction } from "../ship/ship";

/** One chunk of work: call `fn` on each item (spread when `star`). */
export interface Job {
  readonly fn: ShippedFunction;
  /** The chunk's items; a Float64Array when they were all numbers (see {@link packNumbers}). */
  readonly items: readonly unknown[] | Float64Array;
  readonly star: boolean;
  /** Move typed-array results back instead of copying them (threads only). */
  readonly transferResults: boolean;
}

/** Set once per worker: the pool's initializer and max tasks per worker. */
export interface WorkerSetup {
  readonly initializer?: ShippedFunction;
  readonly initargs: readonly unknown[];
  /** 0 = unlimited. */
  readonly maxTasks: number;
}

/** A worker's answer to one {@link Job}. Task errors are answers too, so they keep name, stack and code. */
export type JobReply =
  | { readonly ok: true; readonly results: unknown[] | Float64Array; readonly workerId: number; readonly start: number; readonly end: number }
  | { readonly ok: false; readonly error: SerializedError; readonly workerId: number; readonly start: number; readonly end: number };


/** Exit code of a worker that retires after `maxtasksperchild` tasks; a task it was handed is re-run. */
export const RETIRED_EXIT_CODE = 75;

/** Array buffers of the top-level typed arrays / ArrayBuffers in `values` (one level into arrays for starmap). */
export function collectTransferables(values: readonly unknown[], depth = 1): ArrayBuffer[] {
  const found = new Set<ArrayBuffer>();
  const visit = (value: unknown, level: number): void => {
    if (value instanceof ArrayBuffer) found.add(value);
    else if (ArrayBuffer.isView(value) && value.buffer instanceof ArrayBuffer) found.add(value.buffer);
    else if (Array.isArray(value) && level > 0) for (const v of value) visit(v, level - 1);
  };
  for (const value of values) visit(value, depth);
  return [...found];
}

/** Below this many items packing is not worth a scan. */
const PACK_MIN = 32;

/**
 * All-number arrays travel as one Float64Array: structured clone copies a JS array element by
 * element (about 1 µs an item round trip, the bulk of a default-chunked map of numbers), a typed
 * array as one block that can even be transferred. Lossless: every JS number is a float64
 * (NaN and -0 included).
 */
export function packNumbers(values: readonly unknown[]): readonly unknown[] | Float64Array {
  if (values.length < PACK_MIN) return values;
  for (let i = 0; i < values.length; i++) if (typeof values[i] !== "number") return values;
  return Float64Array.from(values as number[]);
}

/** The other half of {@link packNumbers}: a packed reply back to a plain array (anything else as is). */
export function unpackNumbers(values: readonly unknown[] | Float64Array): unknown[] {
  return values instanceof Float64Array ? Array.from(values) : (values as unknown[]);
}

// The wire format: flat tuples. Structured clone writes every property name of every message, and
// for tiny tasks (chunksize 1) the message itself is most of the per-task cost.

/**
 * `[fnKey, flags, items]`; fnKey is "s" + source or "m" + file + "\0" + export; flags: 1 star,
 * 2 transfer results, 4 single: a one-item job sends its item bare (the chunksize-1 case, where a
 * wrapping array on the way out and back is a measurable part of the task).
 */
export type WireJob = [string, number, unknown];
/** `[1, results, workerId, start, end]` or `[0, error, workerId, start, end]`; a single job's result is bare. */
export type WireReply = [1, unknown, number, number, number] | [0, SerializedError, number, number, number];

const fnKeys = new WeakMap<ShippedFunction, string>();

/** Whether a job goes on the wire as one bare item, and so does its result. */
function isSingle(job: Job): boolean {
  return Array.isArray(job.items) && job.items.length === 1;
}

export function encodeJob(job: Job): WireJob {
  let key = fnKeys.get(job.fn);
  if (key === undefined) {
    key = job.fn.kind === "source" ? `s${job.fn.name}\0${job.fn.source}` : `m${job.fn.file}\0${job.fn.exportName}`;
    fnKeys.set(job.fn, key);
  }
  const flags = (job.star ? 1 : 0) | (job.transferResults ? 2 : 0);
  return isSingle(job) ? [key, flags | 4, job.items[0]] : [key, flags, job.items];
}

const decodedFns = new Map<string, ShippedFunction>();

export function decodeJob(wire: WireJob): Job {
  const [key, flags, items] = wire;
  let fn = decodedFns.get(key);
  if (fn === undefined) {
    const split = key.indexOf("\0");
    fn =
      key[0] === "s"
        ? { kind: "source", name: key.slice(1, split), source: key.slice(split + 1) }
        : { kind: "module", file: key.slice(1, split), exportName: key.slice(split + 1) };
    decodedFns.set(key, fn);
  }
  return {
    fn,
    items: flags & 4 ? [items] : (items as readonly unknown[] | Float64Array),
    star: (flags & 1) !== 0,
    transferResults: (flags & 2) !== 0,
  };
}

/** `job` is the job answered: a single job's one result travels bare. */
export function encodeReply(reply: JobReply, job: Job): WireReply {
  if (!reply.ok) return [0, reply.error, reply.workerId, reply.start, reply.end];
  const results = reply.results;
  return [1, isSingle(job) && Array.isArray(results) ? results[0] : results, reply.workerId, reply.start, reply.end];
}

export function decodeReply(wire: WireReply, job: Job): JobReply {
  if (wire[0] === 0) return { ok: false, error: wire[1], workerId: wire[2], start: wire[3], end: wire[4] };
  const results = isSingle(job) ? [wire[1]] : (wire[1] as unknown[] | Float64Array);
  return { ok: true, results, workerId: wire[2], start: wire[3], end: wire[4] };
}
