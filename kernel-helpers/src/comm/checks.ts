/**
 * The communicator's argument checks: every value that travels in a message header is checked
 * against what the header can carry (ranks, tags up to TAG_UB), and every error names the argument
 * and the value received, as mpi4py's do.
 */
import { InvalidArgumentError, describeValue } from "../errors";
import { isBuffer, type CommBuffer } from "./buffers";
import { Op } from "./ops";
import { ANY_SOURCE, ANY_TAG, TAG_UB } from "./status";

/** A rank 0…size−1 (or ANY_SOURCE where `wildcard`). */
export function checkRank(value: number, name: string, size: number, wildcard = false): number {
  if (wildcard && value === ANY_SOURCE) return value;
  if (!Number.isInteger(value) || value < 0 || value >= size) {
    throw new InvalidArgumentError(`Expected \`${name}\` to be a rank 0…${size - 1}${wildcard ? " or ANY_SOURCE" : ""}, got ${describeValue(value)}`);
  }
  return value;
}

/** A tag 0…TAG_UB (or ANY_TAG where `wildcard`). */
export function checkTag(value: number, name: string, wildcard: boolean): number {
  if (wildcard && value === ANY_TAG) return value;
  if (!Number.isInteger(value) || value < 0 || value > TAG_UB) {
    throw new InvalidArgumentError(`Expected \`${name}\` to be an integer 0…TAG_UB (${TAG_UB})${wildcard ? " or ANY_TAG" : ""}, got ${describeValue(value)}`);
  }
  return value;
}

export function checkBuffer(buf: unknown, name: string): CommBuffer {
  if (!isBuffer(buf)) throw new InvalidArgumentError(`Expected \`${name}\` to be a typed array (e.g. Float64Array), got ${describeValue(buf)}`);
  return buf;
}

export function checkOp(op: unknown): Op {
  if (!(op instanceof Op)) throw new InvalidArgumentError(`Expected \`op\` to be SUM, PROD, MIN, MAX or Op.Create(fn), got ${describeValue(op)}`);
  return op;
}
