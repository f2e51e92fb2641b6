/** The typed arrays the buffer operations (`Send`, `Allreduce`, …) and the reduction ops accept. */

/** A typed array a buffer operation reads or fills. */
export type CommBuffer = Float64Array | Float32Array | Int32Array | Int16Array | Int8Array | Uint32Array | Uint16Array | Uint8Array | Uint8ClampedArray | BigInt64Array | BigUint64Array;

/** Whether `x` is a typed array (any view but a DataView). */
export function isBuffer(x: unknown): x is CommBuffer {
  return ArrayBuffer.isView(x) && !(x instanceof DataView);
}
