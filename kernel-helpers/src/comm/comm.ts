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
 * This file is the facade: argument checks and mpi4py's names. The message layer is endpoint.ts,
 * the collective algorithms collectives.ts, their call order and mismatch check collective-order.ts,
 * the blocked-state reports for deadlock detection blocked-state.ts. Every rank must call the same
 * collectives in the same order, as in MPI; a mismatch stops the run with `CollectiveMismatchError`.
 */
import { isBuffer, type CommBuffer } from "./buffers";
import { checkBuffer, checkOp, checkRank, checkTag } from "./checks";
import { CollectiveOrder } from "./collective-order";
import { Collectives, copyInto } from "./collectives";
import { Endpoint } from "./endpoint";
import type { Link } from "./link";
import type { Mailbox } from "./mailbox";
import { MAX, MIN, Op, PROD, SUM } from "./ops";
import type { CollectiveSummary, Envelope } from "./protocol";
import { Request } from "./request";
import { ANY_SOURCE, ANY_TAG, Status } from "./status";
import { worldLink } from "./world";

export type { CommBuffer };
export { Request };

let world: Promise<Comm> | undefined;

/** An MPI-style communicator: `rank`, `size`, point-to-point and collective operations. */
export class Comm {
  /** This rank's number, 0 … size-1. */
  readonly rank: number;
  /** How many ranks run the program. */
  readonly size: number;
  private readonly endpoint: Endpoint;
  private readonly collectives: Collectives;

  /** @internal Use `mpirun(...)` or `await Comm.world()`. */
  constructor(link: Link) {
    this.rank = link.rank;
    this.size = link.size;
    // The order exists before the endpoint attaches to the link: a transport may deliver at once.
    const order = new CollectiveOrder(link.rank, (test) => this.endpoint.mailbox.findUnexpected(test), (error) => link.report({ type: "mismatch", ranks: error.ranks, detail: error.detail }));
    this.endpoint = new Endpoint(link, (e) => {
      if (e.c !== 0) order.arrived(e);
    });
    this.collectives = new Collectives(this.endpoint, order);
  }

  /**
   * The communicator of the current program (`MPI.COMM_WORLD`): detects `npx kernel-helpers mpirun`,
   * Open MPI's or MPICH's `mpiexec`, or else runs as a single rank. The same object on every call.
   */
  static world(): Promise<Comm> {
    world ??= worldLink().then(({ link, onFinalize }) => {
      const comm = new Comm(link);
      onFinalize(() => comm.counters());
      return comm;
    });
    return world;
  }

  /** @internal */
  get mailbox(): Mailbox {
    return this.endpoint.mailbox;
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

  /** Sends `obj` (any structured-cloneable value) to rank `dest` with `tag` (0…TAG_UB). */
  async send(obj: unknown, dest: number, tag = 0): Promise<void> {
    const sent = this.endpoint.post(obj, checkRank(dest, "dest", this.size), checkTag(tag, "tag", false), 0);
    if (sent) await sent;
  }

  /** Receives a value; `await comm.recv()` is MPI's blocking receive. Fills `status` if given. */
  async recv<T = any>(source: number = ANY_SOURCE, tag: number = ANY_TAG, status?: Status): Promise<T> {
    const pending = this.postRecv(source, tag, "recv");
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
    const pending = this.postRecv(source, tag, "irecv/wait");
    return new Request<T>(pending, (e, s) => this.unwrap<T>(e, s));
  }

  /** Sends and receives in one call, so exchanges between pairs cannot deadlock. */
  async sendrecv<T = any>(sendobj: unknown, dest: number, sendtag = 0, source: number = ANY_SOURCE, recvtag: number = ANY_TAG, status?: Status): Promise<T> {
    checkRank(dest, "dest", this.size);
    checkTag(sendtag, "sendtag", false);
    const pending = this.postRecv(source, recvtag, "sendrecv", "recvtag");
    const sent = this.endpoint.post(sendobj, dest, sendtag, 0, "sendobj");
    pending.block();
    const e = await pending.promise;
    if (sent) await sent;
    return this.unwrap<T>(e, status);
  }

  /** Whether a matching message has arrived (without receiving it); fills `status`. */
  iprobe(source: number = ANY_SOURCE, tag: number = ANY_TAG, status?: Status): boolean {
    checkRank(source, "source", this.size, true);
    checkTag(tag, "tag", true);
    const e = this.endpoint.mailbox.peek(source, tag, 0);
    if (e && status) fill(status, e);
    return e !== undefined;
  }

  // ---- collectives on objects -----------------------------------------------------------------

  /** Broadcasts `obj` from `root`; every rank resolves to root's value. */
  async bcast<T = any>(obj: T, root = 0): Promise<T> {
    return this.collectives.bcast(obj, checkRank(root, "root", this.size));
  }

  /** Root passes an array of `size` values; rank i resolves to the i-th. */
  async scatter<T = any>(sendobj: readonly T[] | null, root = 0): Promise<T> {
    return this.collectives.scatter(sendobj, checkRank(root, "root", this.size));
  }

  /** Root resolves to every rank's value in rank order; the others to null. */
  async gather<T = any>(sendobj: T, root = 0): Promise<T[] | null> {
    return this.collectives.gather(sendobj, checkRank(root, "root", this.size));
  }

  /** Every rank resolves to every rank's value, in rank order. */
  async allgather<T = any>(sendobj: T): Promise<T[]> {
    return this.collectives.allgather(sendobj);
  }

  /** Combines every rank's value with `op` (in rank order); root resolves to the result, others to null. */
  async reduce<T = any>(sendobj: T, op: Op = SUM, root = 0): Promise<T | null> {
    checkRank(root, "root", this.size);
    return this.collectives.reduce(sendobj, checkOp(op), root);
  }

  /** Every rank resolves to the combination of every rank's value. */
  async allreduce<T = any>(sendobj: T, op: Op = SUM): Promise<T> {
    return this.collectives.allreduce(sendobj, checkOp(op));
  }

  /** Resolves once every rank has called it. */
  async barrier(): Promise<void> {
    return this.collectives.barrier();
  }

  /** mpi4py's `Barrier()`: the same as {@link barrier} (the MPI standard's spelling). */
  Barrier(): Promise<void> {
    return this.barrier();
  }

  /** mpi4py's `Abort(errorcode)`: stops every rank of the run (the launcher reports `CommAbortError { rank, errorcode }`). */
  Abort(errorcode = 1): Promise<never> {
    return this.endpoint.link.abort(errorcode);
  }

  /** The same as {@link Abort} (the name before mpi4py's was adopted). */
  abort(errorcode = 1): Promise<never> {
    return this.Abort(errorcode);
  }

  // ---- buffer (typed-array) forms ---------------------------------------------------------------

  /** Sends the contents of a typed array. */
  async Send(buf: CommBuffer, dest: number, tag = 0): Promise<void> {
    // Resolves when buf may be reused: at once when the transport copied it, else once it is sent.
    const sent = this.endpoint.post(checkBuffer(buf, "buf"), checkRank(dest, "dest", this.size), checkTag(tag, "tag", false), 0, "buf");
    if (sent) await sent;
  }

  /** Receives into `buf` (which must be long enough); fills `status` (count = elements received). */
  async Recv(buf: CommBuffer, source: number = ANY_SOURCE, tag: number = ANY_TAG, status?: Status): Promise<void> {
    checkBuffer(buf, "buf");
    const pending = this.postRecv(source, tag, "Recv");
    pending.block();
    const e = await pending.promise;
    copyInto(buf, e.d, `Recv from rank ${e.s} (tag ${e.t})`);
    // A received array is ours alone (even from ourselves: cloned), and spent once copied.
    this.endpoint.recycle(e.d);
    if (status) fill(status, e);
  }

  /** Broadcasts root's `buf` into every other rank's `buf`. */
  async Bcast(buf: CommBuffer, root = 0): Promise<void> {
    return this.collectives.Bcast(checkBuffer(buf, "buf"), checkRank(root, "root", this.size));
  }

  /** Element-wise reduction of every rank's `sendbuf` into root's `recvbuf`. */
  async Reduce(sendbuf: CommBuffer, recvbuf: CommBuffer | null, op: Op = SUM, root = 0): Promise<void> {
    checkBuffer(sendbuf, "sendbuf");
    checkRank(root, "root", this.size);
    return this.collectives.Reduce(sendbuf, recvbuf, checkOp(op), root, (b) => checkBuffer(b, "recvbuf"));
  }

  /** Element-wise reduction of every rank's `sendbuf` into every rank's `recvbuf`. */
  async Allreduce(sendbuf: CommBuffer, recvbuf: CommBuffer, op: Op = SUM): Promise<void> {
    checkBuffer(sendbuf, "sendbuf");
    checkBuffer(recvbuf, "recvbuf");
    return this.collectives.Allreduce(sendbuf, recvbuf, checkOp(op));
  }

  /** Root's `sendbuf` is cut into `size` equal parts; rank i receives part i into `recvbuf`. */
  async Scatter(sendbuf: CommBuffer | null, recvbuf: CommBuffer, root = 0): Promise<void> {
    checkBuffer(recvbuf, "recvbuf");
    return this.collectives.Scatter(sendbuf, recvbuf, checkRank(root, "root", this.size), (b) => checkBuffer(b, "sendbuf"));
  }

  /** Every rank's `sendbuf` is placed, in rank order, into root's `recvbuf`. */
  async Gather(sendbuf: CommBuffer, recvbuf: CommBuffer | null, root = 0): Promise<void> {
    checkBuffer(sendbuf, "sendbuf");
    return this.collectives.Gather(sendbuf, recvbuf, checkRank(root, "root", this.size), (b) => checkBuffer(b, "recvbuf"));
  }

  /** Every rank's `sendbuf` is placed, in rank order, into every rank's `recvbuf`. */
  async Allgather(sendbuf: CommBuffer, recvbuf: CommBuffer): Promise<void> {
    return this.collectives.Allgather(checkBuffer(sendbuf, "sendbuf"), checkBuffer(recvbuf, "recvbuf"));
  }

  // ---- internals -------------------------------------------------------------------------------

  private postRecv(source: number, tag: number, operation: string, tagName = "tag") {
    checkRank(source, "source", this.size, true);
    checkTag(tag, tagName, true);
    return this.endpoint.postRecv(source, tag, 0, { operation });
  }

  private unwrap<T>(e: Envelope, status?: Status): T {
    if (status) fill(status, e);
    return e.d as T;
  }

  /** @internal Counters and the collective calls, for the final report. */
  counters(): { sent: number; received: number; collectives: CollectiveSummary } {
    return { ...this.endpoint.counters(), collectives: this.collectives.order.summary() };
  }
}

function fill(status: Status, e: Envelope): void {
  status.source = e.s;
  status.tag = e.t;
  status.count = isBuffer(e.d) ? e.d.length : 1;
}

export { SUM, PROD, MIN, MAX, Op };
