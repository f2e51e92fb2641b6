/**
 * `Comm`: an MPI communicator with mpi4py's method names, on top of any `Link` (threads, processes,
 * mpiexec). Lower-case methods move any structured-cloneable value; capitalised ones move typed-array
 * buffers into buffers the caller owns (`Send`, `Recv`, `Bcast`, `Reduce`, `Allreduce`, `Scatter`,
 * `Gather`, `Allgather`).
 *
 * JavaScript cannot block, so every operation returns a promise: `await comm.recv()` is mpi4py's
 * blocking `comm.recv()`. Sends are eager (buffered): `send` resolves once the message is handed to
 * the transport, like MPI's small-message sends.
 *
 * Collectives use a separate context (`c: 1`) so a user's `recv(ANY_SOURCE, ANY_TAG)` never takes
 * their messages; every rank must call the same collectives in the same order, as in MPI.
 */
import { InvalidArgumentError, describeValue } from "../errors";
import { isBuffer, type CommBuffer } from "./buffers";
import { MessageTruncatedError } from "./errors";
import type { Link } from "./link";
import type { Mailbox as MailboxType, PendingReceive } from "./mailbox";
import { Mailbox } from "./mailbox";
import { MAX, MIN, Op, PROD, SUM } from "./ops";
import type { Envelope } from "./protocol";
import { ANY_SOURCE, ANY_TAG, Status } from "./status";

export type { CommBuffer };

const T_BCAST = 1, T_SCATTER = 2, T_GATHER = 3, T_REDUCE = 4, T_ALLREDUCE = 5, T_BARRIER = 6, T_ALLGATHER = 7;
/** How long a receive must stay blocked before the coordinator hears of it (keeps fast exchanges silent). */
const REPORT_AFTER_MS = 15;
/** Handles that do not count as "this rank still has other work pending". */
const TRANSPORT_RESOURCES = new Set(["MessagePort", "TCPSocketWrap", "TCPServerWrap", "PipeWrap", "TTYWrap", "WriteWrap", "ShutdownWrap", "SignalWrap"]);

/** A non-blocking operation's handle (`isend`, `irecv`): `await req.wait()` or poll `req.test()`. */
export class Request<T = unknown> {
  /** @internal */
  constructor(
    private readonly pending: PendingReceive | undefined,
    private readonly finish: (envelope: Envelope, status?: Status) => T,
    private readonly value?: T,
  ) {}

  /** Waits for completion; resolves to the received value (undefined for a send). */
  async wait(status?: Status): Promise<T> {
    if (!this.pending) return this.value as T;
    this.pending.block();
    return this.finish(await this.pending.promise, status);
  }

  /** `[true, value]` when complete, `[false, undefined]` otherwise; never blocks. */
  test(status?: Status): [boolean, T | undefined] {
    if (!this.pending) return [true, this.value];
    const e = this.pending.done();
    return e === undefined ? [false, undefined] : [true, this.finish(e, status)];
  }

  /** Waits for all requests; resolves to their values in order (mpi4py's `Request.waitall`). */
  static waitall<T>(requests: readonly Request<T>[]): Promise<T[]> {
    return Promise.all(requests.map((r) => r.wait()));
  }
}

/** An MPI-style communicator: `rank`, `size`, point-to-point and collective operations. */
export class Comm {
  /** This rank's number, 0 … size-1. */
  readonly rank: number;
  /** How many ranks run the program. */
  readonly size: number;
  /** @internal */
  readonly mailbox: MailboxType;
  private readonly link: Link;
  private reportTimer: NodeJS.Timeout | undefined;
  private reported = false;

  /** @internal Use `mpirun(...)` or `await Comm.world()`. */
  constructor(link: Link) {
    this.link = link;
    this.rank = link.rank;
    this.size = link.size;
    this.mailbox = new Mailbox();
    this.mailbox.onChange = () => this.stateChanged();
    this.mailbox.onPending = (active) => link.hold(active);
    link.attach((e) => this.mailbox.deliver(e));
  }

  /**
   * The communicator of the current program (`MPI.COMM_WORLD`): detects `npx kernel-helpers mpirun`,
   * Open MPI's or MPICH's `mpiexec`, or else runs as a single rank.
   */
  static world(): Promise<Comm> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require("./world") as typeof import("./world")).world();
  }

  /** mpi4py's `Get_rank()`. */
  Get_rank(): number {
    return this.rank;
  }
  /** mpi4py's `Get_size()`. */
  Get_size(): number {
    return this.size;
  }

  // ---- point-to-point -------------------------------------------------------------------------

  /** Sends `obj` (any structured-cloneable value) to rank `dest` with `tag`. */
  async send(obj: unknown, dest: number, tag = 0): Promise<void> {
    const sent = this.post(obj, this.checkRank(dest, "dest"), this.checkTag(tag, "tag", false), 0);
    if (sent) await sent;
  }

  /** Receives a value; `await comm.recv()` is MPI's blocking receive. Fills `status` if given. */
  async recv<T = any>(source: number = ANY_SOURCE, tag: number = ANY_TAG, status?: Status): Promise<T> {
    const pending = this.postRecv(source, tag, 0, "recv");
    pending.block();
    return this.unwrap<T>(await pending.promise, status);
  }

  /** Non-blocking send: the request completes at once (sends are buffered). */
  async isend(obj: unknown, dest: number, tag = 0): Promise<Request<void>> {
    await this.send(obj, dest, tag);
    return new Request<void>(undefined, () => undefined);
  }

  /** Non-blocking receive: `const req = comm.irecv(0, 7); … await req.wait()`. */
  irecv<T = any>(source: number = ANY_SOURCE, tag: number = ANY_TAG): Request<T> {
    const pending = this.postRecv(source, tag, 0, "irecv/wait");
    return new Request<T>(pending, (e, s) => this.unwrap<T>(e, s));
  }

  /** Sends and receives in one call, so exchanges between pairs cannot deadlock. */
  async sendrecv<T = any>(sendobj: unknown, dest: number, sendtag = 0, source: number = ANY_SOURCE, recvtag: number = ANY_TAG, status?: Status): Promise<T> {
    const pending = this.postRecv(source, recvtag, 0, "sendrecv");
    const sent = this.post(sendobj, this.checkRank(dest, "dest"), this.checkTag(sendtag, "sendtag", false), 0);
    pending.block();
    const e = await pending.promise;
    if (sent) await sent;
    return this.unwrap<T>(e, status);
  }

  /** Whether a matching message has arrived (without receiving it); fills `status`. */
  iprobe(source: number = ANY_SOURCE, tag: number = ANY_TAG, status?: Status): boolean {
    const e = this.mailbox.peek(source, tag, 0);
    if (e && status) this.fill(status, e);
    return e !== undefined;
  }

  // ---- collectives on objects -----------------------------------------------------------------

  /** Broadcasts `obj` from `root`; every rank resolves to root's value. */
  async bcast<T = any>(obj: T, root = 0): Promise<T> {
    this.checkRank(root, "root");
    if (this.rank === root) {
      const sends = [];
      for (let r = 0; r < this.size; r++) if (r !== root) sends.push(this.post(obj, r, T_BCAST, 1));
      await Promise.all(sends); // the zero-copy ones; copied sends are undefined
      return obj;
    }
    return (await this.take(root, T_BCAST, "bcast")).d as T;
  }

  /** Root passes an array of `size` values; rank i resolves to the i-th. */
  async scatter<T = any>(sendobj: readonly T[] | null, root = 0): Promise<T> {
    this.checkRank(root, "root");
    if (this.rank === root) {
      if (!Array.isArray(sendobj) || sendobj.length !== this.size) {
        throw new InvalidArgumentError(`Expected \`sendobj\` at the root of scatter to be an array of ${this.size} values (one per rank), got ${describeValue(sendobj)}`);
      }
      const sends = [];
      for (let r = 0; r < this.size; r++) if (r !== root) sends.push(this.post(sendobj[r], r, T_SCATTER, 1));
      await Promise.all(sends); // the zero-copy ones; copied sends are undefined
      return sendobj[root] as T;
    }
    return (await this.take(root, T_SCATTER, "scatter")).d as T;
  }

  /** Root resolves to every rank's value in rank order; the others to null. */
  async gather<T = any>(sendobj: T, root = 0): Promise<T[] | null> {
    this.checkRank(root, "root");
    return this.gatherTo(sendobj, root, T_GATHER, "gather");
  }

  /** Every rank resolves to every rank's value, in rank order. */
  async allgather<T = any>(sendobj: T): Promise<T[]> {
    const all = await this.gatherTo(sendobj, 0, T_ALLGATHER, "allgather");
    return this.bcastInternal(all, T_ALLGATHER, "allgather") as Promise<T[]>;
  }

  /** Combines every rank's value with `op` (in rank order); root resolves to the result, others to null. */
  async reduce<T = any>(sendobj: T, op: Op = SUM, root = 0): Promise<T | null> {
    this.checkRank(root, "root");
    this.checkOp(op);
    const all = await this.gatherTo(sendobj, root, T_REDUCE, "reduce");
    return all === null ? null : all.reduce((a, b) => op.apply(a, b));
  }

  /** Every rank resolves to the combination of every rank's value. */
  async allreduce<T = any>(sendobj: T, op: Op = SUM): Promise<T> {
    this.checkOp(op);
    if (this.canDouble(op)) return this.recursiveDoubling(sendobj, (a, b) => op.apply(a, b), "allreduce");
    const all = await this.gatherTo(sendobj, 0, T_ALLREDUCE, "allreduce");
    return this.bcastInternal(all === null ? null : all.reduce((a, b) => op.apply(a, b)), T_ALLREDUCE, "allreduce") as Promise<T>;
  }

  /** Resolves once every rank has called it. */
  async barrier(): Promise<void> {
    await this.gatherTo(null, 0, T_BARRIER, "barrier");
    await this.bcastInternal(null, T_BARRIER, "barrier");
  }

  /** mpi4py's `Barrier()`: the same as {@link barrier} (the MPI standard's spelling). */
  Barrier(): Promise<void> {
    return this.barrier();
  }

  /** Stops every rank of the run (the launcher reports `CommAbortError { rank, errorcode }`). */
  abort(errorcode = 1): Promise<never> {
    return this.link.abort(errorcode);
  }

  // ---- buffer (typed-array) forms ---------------------------------------------------------------

  /** Sends the contents of a typed array. */
  async Send(buf: CommBuffer, dest: number, tag = 0): Promise<void> {
    // Resolves when buf may be reused: at once when the transport copied it, else once it is sent.
    const sent = this.post(this.checkBuffer(buf, "buf"), this.checkRank(dest, "dest"), this.checkTag(tag, "tag", false), 0);
    if (sent) await sent;
  }

  /** Receives into `buf` (which must be long enough); fills `status` (count = elements received). */
  async Recv(buf: CommBuffer, source: number = ANY_SOURCE, tag: number = ANY_TAG, status?: Status): Promise<void> {
    this.checkBuffer(buf, "buf");
    const pending = this.postRecv(source, tag, 0, "Recv");
    pending.block();
    const e = await pending.promise;
    this.copyInto(buf, e.d, `Recv from rank ${e.s} (tag ${e.t})`);
    // A received array is ours alone (even from ourselves: cloned), and spent once copied.
    this.link.recycle?.(e.d as CommBuffer);
    if (status) this.fill(status, e);
  }

  /** Broadcasts root's `buf` into every other rank's `buf`. */
  async Bcast(buf: CommBuffer, root = 0): Promise<void> {
    this.checkBuffer(buf, "buf");
    const data = await this.bcast(this.rank === root ? buf : null, root);
    if (this.rank !== root) {
      this.copyInto(buf, data, `Bcast from root ${root}`);
      this.link.recycle?.(data as CommBuffer);
    }
  }

  /** Element-wise reduction of every rank's `sendbuf` into root's `recvbuf`. */
  async Reduce(sendbuf: CommBuffer, recvbuf: CommBuffer | null, op: Op = SUM, root = 0): Promise<void> {
    this.checkBuffer(sendbuf, "sendbuf");
    this.checkOp(op);
    const all = await this.gather(sendbuf, root);
    if (all === null) return;
    const out = this.checkBuffer(recvbuf, "recvbuf");
    this.copyInto(out, all[0], "Reduce");
    for (let r = 1; r < all.length; r++) op.applyInto(out, all[r] as CommBuffer);
  }

  /** Element-wise reduction of every rank's `sendbuf` into every rank's `recvbuf`. */
  async Allreduce(sendbuf: CommBuffer, recvbuf: CommBuffer, op: Op = SUM): Promise<void> {
    this.checkBuffer(sendbuf, "sendbuf");
    this.checkBuffer(recvbuf, "recvbuf");
    this.checkOp(op);
    if (recvbuf.length < sendbuf.length) throw new MessageTruncatedError(`Allreduce: recvbuf has ${recvbuf.length} elements, sendbuf ${sendbuf.length}`);
    if (this.canDouble(op) && recvbuf.length === sendbuf.length) {
      // Each step folds the partner's partial result into recvbuf in place: no allocation per step.
      // The first sends sendbuf itself and writes op(sendbuf, theirs) into recvbuf, which saves
      // copying sendbuf into recvbuf first (a third of the memory traffic on 2 ranks).
      await this.recursiveDoubling<CommBuffer>(sendbuf, (low, high) => {
        const theirs = low === sendbuf || low === recvbuf ? high : low;
        if (low === recvbuf) op.applyInto(recvbuf, high);
        else if (high === recvbuf) op.applyTo(recvbuf, low, recvbuf);
        else op.applyTo(recvbuf, low, high);
        // Their partial result is ours alone now, and spent: the transport may reuse its memory.
        this.link.recycle?.(theirs);
        return recvbuf;
      }, "Allreduce");
      return;
    }
    if (recvbuf !== sendbuf) recvbuf.set(sendbuf as any);
    await this.Reduce(sendbuf, recvbuf, op, 0);
    await this.Bcast(recvbuf, 0);
  }

  /** Root's `sendbuf` is cut into `size` equal parts; rank i receives part i into `recvbuf`. */
  async Scatter(sendbuf: CommBuffer | null, recvbuf: CommBuffer, root = 0): Promise<void> {
    this.checkBuffer(recvbuf, "recvbuf");
    let parts: CommBuffer[] | null = null;
    if (this.rank === root) {
      const buf = this.checkBuffer(sendbuf, "sendbuf");
      if (buf.length % this.size !== 0) throw new InvalidArgumentError(`Expected \`sendbuf\` length to be a multiple of size ${this.size}, got ${buf.length}`);
      const n = buf.length / this.size;
      parts = Array.from({ length: this.size }, (_, r) => buf.subarray(r * n, (r + 1) * n) as CommBuffer);
    }
    this.copyInto(recvbuf, await this.scatter(parts, root), "Scatter");
  }

  /** Every rank's `sendbuf` is placed, in rank order, into root's `recvbuf`. */
  async Gather(sendbuf: CommBuffer, recvbuf: CommBuffer | null, root = 0): Promise<void> {
    this.checkBuffer(sendbuf, "sendbuf");
    const all = await this.gather(sendbuf, root);
    if (all !== null) this.concatInto(this.checkBuffer(recvbuf, "recvbuf"), all);
  }

  /** Every rank's `sendbuf` is placed, in rank order, into every rank's `recvbuf`. */
  async Allgather(sendbuf: CommBuffer, recvbuf: CommBuffer): Promise<void> {
    this.checkBuffer(sendbuf, "sendbuf");
    this.checkBuffer(recvbuf, "recvbuf");
    this.concatInto(recvbuf, await this.allgather(sendbuf));
  }

  // ---- internals -------------------------------------------------------------------------------

  /** Posts an envelope; a promise means the transport still reads `data` (see `Link.post`). */
  private post(data: unknown, dest: number, tag: number, ctx: 0 | 1): Promise<void> | undefined {
    const envelope: Envelope = { s: this.rank, t: tag, c: ctx, d: data };
    this.mailbox.sent++;
    if (dest !== this.rank) return this.link.post(dest, envelope);
    // A message to oneself is copied like any other, so later changes by the sender cannot leak in.
    this.mailbox.deliver({ ...envelope, d: structuredClone(data) });
    return undefined;
  }

  private postRecv(source: number, tag: number, ctx: 0 | 1, operation: string): PendingReceive {
    if (source !== ANY_SOURCE) this.checkRank(source, "source");
    this.checkTag(tag, "tag", true);
    const pending = this.mailbox.post(source, tag, ctx, operation);
    const link = this.link;
    if (!link.poll || pending.done() !== undefined) return pending;
    return {
      ...pending,
      // Blocking: let the transport deliver synchronously first (shared-memory polling), so a
      // message that is on its way is taken without a round through the event loop.
      block: () => {
        if (pending.done() === undefined) link.poll!(() => pending.done() !== undefined);
        pending.block();
      },
    };
  }

  private async take(source: number, tag: number, operation: string): Promise<Envelope> {
    const pending = this.postRecv(source, tag, 1, operation);
    pending.block();
    return pending.promise;
  }

  private async gatherTo<T>(obj: T, root: number, tag: number, operation: string): Promise<T[] | null> {
    if (this.rank !== root) {
      const sent = this.post(obj, root, tag, 1);
      if (sent) await sent;
      return null;
    }
    const out = new Array<T>(this.size);
    out[root] = obj;
    const pendings = [];
    for (let r = 0; r < this.size; r++) if (r !== root) pendings.push(this.take(r, tag, operation).then((e) => (out[r] = e.d as T)));
    await Promise.all(pendings);
    return out;
  }

  private async bcastInternal<T>(obj: T, tag: number, operation: string): Promise<T> {
    if (this.rank === 0) {
      const sends = [];
      for (let r = 1; r < this.size; r++) sends.push(this.post(obj, r, tag, 1));
      await Promise.all(sends); // the zero-copy ones; copied sends are undefined
      return obj;
    }
    return (await this.take(0, tag, operation)).d as T;
  }

  private canDouble(op: Op): boolean {
    return op.commute && this.size > 1 && (this.size & (this.size - 1)) === 0;
  }

  /**
   * Allreduce for commutative ops on 2^k ranks: k exchange steps with partner rank ^ 2^i, both
   * sides combining (lower rank's value first, so every rank computes the same result).
   */
  private async recursiveDoubling<T>(value: T, combine: (low: T, high: T) => T, operation: string): Promise<T> {
    let acc = value;
    for (let mask = 1; mask < this.size; mask <<= 1) {
      const partner = this.rank ^ mask;
      const pending = this.postRecv(partner, T_ALLREDUCE, 1, operation);
      const sent = this.post(acc, partner, T_ALLREDUCE, 1);
      pending.block();
      const other = (await pending.promise).d as T;
      if (sent) await sent; // combine may write into acc: not before the transport has read it
      acc = partner < this.rank ? combine(other, acc) : combine(acc, other);
    }
    return acc;
  }

  private unwrap<T>(e: Envelope, status?: Status): T {
    if (status) this.fill(status, e);
    return e.d as T;
  }

  private fill(status: Status, e: Envelope): void {
    status.source = e.s;
    status.tag = e.t;
    status.count = isBuffer(e.d) ? e.d.length : 1;
  }

  private copyInto(buf: CommBuffer, data: unknown, what: string): void {
    if (!isBuffer(data)) throw new MessageTruncatedError(`${what}: expected a typed-array message, got ${describeValue(data)} (was it sent with send instead of Send?)`);
    if (data.length > buf.length) throw new MessageTruncatedError(`${what}: message of ${data.length} elements does not fit the receive buffer of ${buf.length}`);
    buf.set(data as any);
  }

  private concatInto(buf: CommBuffer, parts: unknown[]): void {
    let offset = 0;
    for (const p of parts) {
      const part = p as CommBuffer;
      if (offset + part.length > buf.length) throw new MessageTruncatedError(`recvbuf of ${buf.length} elements is too short for ${parts.length} parts of ${part.length}`);
      buf.set(part as any, offset);
      offset += part.length;
    }
  }

  private checkRank(value: number, name: string): number {
    if (!Number.isInteger(value) || value < 0 || value >= this.size) {
      throw new InvalidArgumentError(`Expected \`${name}\` to be a rank 0…${this.size - 1}, got ${describeValue(value)}`);
    }
    return value;
  }

  private checkTag(value: number, name: string, wildcard: boolean): number {
    if (!Number.isInteger(value) || value < (wildcard ? ANY_TAG : 0)) {
      throw new InvalidArgumentError(`Expected \`${name}\` to be an integer >= 0${wildcard ? " or ANY_TAG" : ""}, got ${describeValue(value)}`);
    }
    return value;
  }

  private checkBuffer(buf: unknown, name: string): CommBuffer {
    if (!isBuffer(buf)) throw new InvalidArgumentError(`Expected \`${name}\` to be a typed array (e.g. Float64Array), got ${describeValue(buf)}`);
    return buf;
  }

  private checkOp(op: unknown): void {
    if (!(op instanceof Op)) throw new InvalidArgumentError(`Expected \`op\` to be SUM, PROD, MIN, MAX or Op.create(fn), got ${describeValue(op)}`);
  }

  /** Debounced blocked-state reports for the coordinator's deadlock detection. */
  private stateChanged(): void {
    if (!this.link.watched) return;
    const blocked = this.mailbox.waits().length > 0;
    if (this.reported) {
      this.sendState();
      return;
    }
    if (blocked && this.reportTimer === undefined) {
      this.reportTimer = setTimeout(() => {
        this.reportTimer = undefined;
        if (this.mailbox.waits().length > 0) this.sendState();
      }, REPORT_AFTER_MS);
      this.reportTimer.unref();
    }
  }

  private sendState(): void {
    const waits = this.mailbox.waits();
    // A rank with its own timers or I/O pending may still wake up and send: not blocked for good.
    const busy = waits.length > 0 && process.getActiveResourcesInfo().some((r) => !TRANSPORT_RESOURCES.has(r));
    const blocked = waits.length > 0 && !busy;
    this.reported = waits.length > 0;
    this.link.report({ type: "state", blocked, waits, sent: this.mailbox.sent, received: this.mailbox.received });
    if (busy) {
      // Look again later: the pending work may finish while the receive stays blocked.
      this.reportTimer = setTimeout(() => {
        this.reportTimer = undefined;
        if (this.mailbox.waits().length > 0) this.sendState();
      }, 50);
      this.reportTimer.unref();
    }
  }

  /** @internal Counters for the final report. */
  counters(): { sent: number; received: number } {
    return { sent: this.mailbox.sent, received: this.mailbox.received };
  }
}

export { SUM, PROD, MIN, MAX, Op };
