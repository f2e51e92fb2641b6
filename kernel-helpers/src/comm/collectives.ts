/**
 * The collective algorithms, on an {@link Endpoint}: linear fan-out and fan-in through a root, and
 * recursive doubling for commutative all-reductions on 2^k ranks; the buffer forms on top of
 * them. Each public operation is one collective call (collective-order.ts), so every message it
 * sends carries the call's number and kind, and every message it receives is checked against them.
 *
 * Arguments are checked by the facade (comm.ts) before they get here.
 */
import { InvalidArgumentError, describeValue } from "../errors";
import { isBuffer, type CommBuffer } from "./buffers";
import { CollectiveOrder, type CollectiveCall, type CollectiveKind } from "./collective-order";
import type { Endpoint } from "./endpoint";
import { MessageTruncatedError } from "./errors";
import type { Op } from "./ops";

export class Collectives {
  readonly order: CollectiveOrder;
  private readonly rank: number;
  private readonly size: number;

  constructor(private readonly endpoint: Endpoint, order: CollectiveOrder) {
    this.order = order;
    this.rank = endpoint.rank;
    this.size = endpoint.size;
  }

  /** Runs `body` as one collective call of this rank: numbered, checked, ended. */
  private async call<T>(kind: CollectiveKind, operation: string, root: number | undefined, body: (call: CollectiveCall) => Promise<T>): Promise<T> {
    const call = this.order.begin(kind, operation, root);
    const result = await body(call);
    this.order.end(call);
    return result;
  }

  // ---- objects ----------------------------------------------------------------------------------

  bcast<T>(obj: T, root: number, operation = "bcast"): Promise<T> {
    return this.call("bcast", operation, root, (call) => this.fanOut(call, obj, root));
  }

  scatter<T>(sendobj: readonly T[] | null, root: number): Promise<T> {
    return this.call("scatter", "scatter", root, async (call) => {
      if (this.rank !== root) return (await this.take(call, root)).d as T;
      if (!Array.isArray(sendobj) || sendobj.length !== this.size) {
        throw new InvalidArgumentError(`Expected \`sendobj\` at the root of scatter to be an array of ${this.size} values (one per rank), got ${describeValue(sendobj)}`);
      }
      await this.sendAll(call, root, (r) => sendobj[r]);
      return sendobj[root] as T;
    });
  }

  gather<T>(sendobj: T, root: number, operation = "gather"): Promise<T[] | null> {
    return this.call("gather", operation, root, (call) => this.fanIn(call, sendobj, root));
  }

  allgather<T>(sendobj: T, operation = "allgather"): Promise<T[]> {
    return this.call("allgather", operation, undefined, async (call) => this.fanOut(call, await this.fanIn(call, sendobj, 0), 0) as Promise<T[]>);
  }

  reduce<T>(sendobj: T, op: Op, root: number): Promise<T | null> {
    return this.call("reduce", "reduce", root, async (call) => {
      const all = await this.fanIn(call, sendobj, root);
      return all === null ? null : all.reduce((a, b) => op.apply(a, b));
    });
  }

  allreduce<T>(sendobj: T, op: Op): Promise<T> {
    return this.call("allreduce", "allreduce", undefined, async (call) => {
      if (this.canDouble(op)) return this.recursiveDoubling(call, sendobj, (a, b) => op.apply(a, b));
      const all = await this.fanIn(call, sendobj, 0);
      return this.fanOut(call, all === null ? null : all.reduce((a, b) => op.apply(a, b)), 0) as Promise<T>;
    });
  }

  barrier(): Promise<void> {
    return this.call("barrier", "barrier", undefined, async (call) => {
      await this.fanIn(call, null, 0);
      await this.fanOut(call, null, 0);
    });
  }

  // ---- typed-array buffers ----------------------------------------------------------------------

  async Bcast(buf: CommBuffer, root: number): Promise<void> {
    const data = await this.bcast(this.rank === root ? buf : null, root, "Bcast");
    if (this.rank !== root) {
      copyInto(buf, data, `Bcast from root ${root}`);
      this.endpoint.recycle(data);
    }
  }

  Reduce(sendbuf: CommBuffer, recvbuf: CommBuffer | null, op: Op, root: number, check: (b: unknown) => CommBuffer): Promise<void> {
    return this.call("reduce", "Reduce", root, async (call) => {
      const all = await this.fanIn(call, sendbuf, root);
      if (all === null) return;
      const out = check(recvbuf);
      copyInto(out, all[0], "Reduce");
      for (let r = 1; r < all.length; r++) op.applyInto(out, all[r] as CommBuffer);
    });
  }

  Allreduce(sendbuf: CommBuffer, recvbuf: CommBuffer, op: Op): Promise<void> {
    if (recvbuf.length < sendbuf.length) throw new MessageTruncatedError(`Allreduce: recvbuf has ${recvbuf.length} elements, sendbuf ${sendbuf.length}`);
    return this.call("allreduce", "Allreduce", undefined, async (call) => {
      if (this.canDouble(op) && recvbuf.length === sendbuf.length) {
        // Each step folds the partner's partial result into recvbuf in place: no allocation per step.
        // The first sends sendbuf itself and writes op(sendbuf, theirs) into recvbuf, which saves
        // copying sendbuf into recvbuf first (a third of the memory traffic on 2 ranks).
        await this.recursiveDoubling<CommBuffer>(call, sendbuf, (low, high) => {
          const theirs = low === sendbuf || low === recvbuf ? high : low;
          if (low === recvbuf) op.applyInto(recvbuf, high);
          else if (high === recvbuf) op.applyTo(recvbuf, low, recvbuf);
          else op.applyTo(recvbuf, low, high);
          // Their partial result is ours alone now, and spent: the transport may reuse its memory.
          this.endpoint.recycle(theirs);
          return recvbuf;
        });
        return;
      }
      const all = await this.fanIn(call, sendbuf, 0);
      if (all !== null) {
        copyInto(recvbuf, all[0], "Allreduce");
        for (let r = 1; r < all.length; r++) op.applyInto(recvbuf, all[r] as CommBuffer);
      }
      const data = await this.fanOut(call, this.rank === 0 ? recvbuf : null, 0);
      if (this.rank !== 0) {
        copyInto(recvbuf, data, "Allreduce");
        this.endpoint.recycle(data);
      }
    });
  }

  Scatter(sendbuf: CommBuffer | null, recvbuf: CommBuffer, root: number, check: (b: unknown) => CommBuffer): Promise<void> {
    let parts: CommBuffer[] | null = null;
    if (this.rank === root) {
      const buf = check(sendbuf);
      if (buf.length % this.size !== 0) throw new InvalidArgumentError(`Expected \`sendbuf\` length to be a multiple of size ${this.size}, got ${buf.length}`);
      const n = buf.length / this.size;
      parts = Array.from({ length: this.size }, (_, r) => buf.subarray(r * n, (r + 1) * n) as CommBuffer);
    }
    return this.scatter(parts, root).then((part) => copyInto(recvbuf, part, "Scatter"));
  }

  async Gather(sendbuf: CommBuffer, recvbuf: CommBuffer | null, root: number, check: (b: unknown) => CommBuffer): Promise<void> {
    const all = await this.gather(sendbuf, root, "Gather");
    if (all !== null) concatInto(check(recvbuf), all);
  }

  async Allgather(sendbuf: CommBuffer, recvbuf: CommBuffer): Promise<void> {
    concatInto(recvbuf, await this.allgather(sendbuf, "Allgather"));
  }

  // ---- the algorithms ---------------------------------------------------------------------------

  private async take(call: CollectiveCall, source: number) {
    const e = await this.endpoint.take(source, call.tag, call.ctx, { operation: call.operation, call: call.seq, kind: call.kind });
    this.order.received(call, e);
    return e;
  }

  private post(call: CollectiveCall, data: unknown, dest: number): Promise<void> | undefined {
    return this.endpoint.post(data, dest, call.tag, call.ctx);
  }

  /** Root sends `value(r)` to every other rank; resolves once zero-copy sends are read. */
  private async sendAll(call: CollectiveCall, root: number, value: (r: number) => unknown): Promise<void> {
    const sends = [];
    for (let r = 0; r < this.size; r++) if (r !== root) sends.push(this.post(call, value(r), r));
    await Promise.all(sends); // the zero-copy ones; copied sends are undefined
  }

  /** Root's `obj` to every rank. */
  private async fanOut<T>(call: CollectiveCall, obj: T, root: number): Promise<T> {
    if (this.rank !== root) return (await this.take(call, root)).d as T;
    await this.sendAll(call, root, () => obj);
    return obj;
  }

  /** Every rank's `obj` to root, in rank order; the others resolve to null. */
  private async fanIn<T>(call: CollectiveCall, obj: T, root: number): Promise<T[] | null> {
    if (this.rank !== root) {
      const sent = this.post(call, obj, root);
      if (sent) await sent;
      return null;
    }
    const out = new Array<T>(this.size);
    out[root] = obj;
    const pendings = [];
    for (let r = 0; r < this.size; r++) if (r !== root) pendings.push(this.take(call, r).then((e) => (out[r] = e.d as T)));
    await Promise.all(pendings);
    return out;
  }

  private canDouble(op: Op): boolean {
    return op.commute && this.size > 1 && (this.size & (this.size - 1)) === 0;
  }

  /**
   * Allreduce for commutative ops on 2^k ranks: k exchange steps with partner rank ^ 2^i, both
   * sides combining (lower rank's value first, so every rank computes the same result).
   */
  private async recursiveDoubling<T>(call: CollectiveCall, value: T, combine: (low: T, high: T) => T): Promise<T> {
    let acc = value;
    const info = { operation: call.operation, call: call.seq, kind: call.kind };
    for (let mask = 1; mask < this.size; mask <<= 1) {
      const partner = this.rank ^ mask;
      const pending = this.endpoint.postRecv(partner, call.tag, call.ctx, info);
      const sent = this.post(call, acc, partner);
      pending.block();
      const e = await pending.promise;
      this.order.received(call, e);
      if (sent) await sent; // combine may write into acc: not before the transport has read it
      acc = partner < this.rank ? combine(e.d as T, acc) : combine(acc, e.d as T);
    }
    return acc;
  }
}

/** Copies a received typed array into the caller's buffer (MPI_ERR_TRUNCATE when it does not fit). */
export function copyInto(buf: CommBuffer, data: unknown, what: string): void {
  if (!isBuffer(data)) throw new MessageTruncatedError(`${what}: expected a typed-array message, got ${describeValue(data)} (was it sent with send instead of Send?)`);
  if (data.length > buf.length) throw new MessageTruncatedError(`${what}: message of ${data.length} elements does not fit the receive buffer of ${buf.length}`);
  buf.set(data as any);
}

function concatInto(buf: CommBuffer, parts: unknown[]): void {
  let offset = 0;
  for (const p of parts) {
    const part = p as CommBuffer;
    if (offset + part.length > buf.length) throw new MessageTruncatedError(`recvbuf of ${buf.length} elements is too short for ${parts.length} parts of ${part.length}`);
    buf.set(part as any, offset);
    offset += part.length;
  }
}
