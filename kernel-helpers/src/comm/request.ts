/** A non-blocking operation's handle (`isend`, `irecv`), as mpi4py's `Request`. */
import type { PendingReceive } from "./mailbox";
import type { Envelope } from "./protocol";
import type { Status } from "./status";

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
