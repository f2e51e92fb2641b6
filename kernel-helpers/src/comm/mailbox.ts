/**
 * The message-matching core every transport shares: one mailbox per rank.
 *
 * Arriving envelopes either complete the oldest posted receive they match or join the queue of
 * unexpected messages; a new receive takes the oldest queued message it matches or is posted. With
 * FIFO channels underneath (MessagePort, TCP), this gives MPI's non-overtaking rule: two messages
 * from the same source that both match a receive are received in the order they were sent.
 *
 * The mailbox also counts envelopes in and out and knows which receives block the rank, which is
 * what the coordinator needs to detect a deadlock (see `RunMonitor`).
 */
import type { Envelope, WaitInfo } from "./protocol";
import { ANY_SOURCE, ANY_TAG } from "./status";

/** What a posted receive is for, as a deadlock report names it. */
export interface ReceiveInfo {
  /** The call the rank is inside, e.g. `recv`, `bcast`, `Allreduce`. */
  readonly operation: string;
  /** For a collective: its number among this rank's collective calls (0, 1, …) and its MPI kind. */
  readonly call?: number;
  readonly kind?: string;
}

interface Posted {
  readonly source: number;
  readonly tag: number;
  readonly ctx: number;
  readonly info: ReceiveInfo;
  readonly resolve: (envelope: Envelope) => void;
  /** Whether someone awaits it (recv, wait); an irecv alone does not block the rank. */
  awaited: boolean;
}

// Context 0 is point-to-point; any other context is a collective's message, of the kind the
// context names: a collective receive takes it whatever its kind, and the communicator then
// compares the kind with its own call (collective-order.ts).
function matches(p: { source: number; tag: number; ctx: number }, e: Envelope): boolean {
  return (p.ctx === 0) === (e.c === 0) && (p.source === ANY_SOURCE || p.source === e.s) && (p.tag === ANY_TAG || p.tag === e.t);
}

/** A posted receive; `awaited` marks it as blocking the rank. */
export interface PendingReceive {
  readonly promise: Promise<Envelope>;
  /** Mark that the rank now waits on this receive (called by recv and Request.wait). */
  block(): void;
  readonly done: () => Envelope | undefined;
}

export class Mailbox {
  sent = 0;
  received = 0;
  private readonly unexpected: Envelope[] = [];
  private readonly posted: Posted[] = [];
  /** Called whenever the set of awaited receives or the counters change while blocked. */
  onChange: () => void = () => {};
  /**
   * Called with true when the first receive is posted and with false when the last one completes:
   * the transport keeps the process alive exactly while some receive is outstanding. Synchronous
   * and edge-triggered, so no completion can slip between a check and a promise callback.
   */
  onPending: (active: boolean) => void = () => {};

  deliver(envelope: Envelope): void {
    this.received++;
    const i = this.posted.findIndex((p) => matches(p, envelope));
    if (i < 0) {
      this.unexpected.push(envelope);
    } else {
      const [p] = this.posted.splice(i, 1);
      if (this.posted.length === 0) this.onPending(false);
      p!.resolve(envelope);
    }
    this.onChange();
  }

  /** Posts a receive (or completes it at once from the unexpected queue). */
  post(source: number, tag: number, ctx: number, info: ReceiveInfo): PendingReceive {
    const i = this.unexpected.findIndex((e) => matches({ source, tag, ctx }, e));
    if (i >= 0) {
      const [e] = this.unexpected.splice(i, 1);
      return { promise: Promise.resolve(e!), block: () => {}, done: () => e };
    }
    let result: Envelope | undefined;
    let entry!: Posted;
    const promise = new Promise<Envelope>((resolve) => {
      entry = {
        source, tag, ctx, info, awaited: false,
        resolve: (e) => {
          result = e;
          resolve(e);
        },
      };
    });
    this.posted.push(entry);
    if (this.posted.length === 1) this.onPending(true);
    return {
      promise,
      block: () => {
        if (result === undefined && !entry.awaited) {
          entry.awaited = true;
          this.onChange();
        }
      },
      done: () => result,
    };
  }

  /** Whether a matching message is already here (`iprobe`), without receiving it. */
  peek(source: number, tag: number, ctx: number): Envelope | undefined {
    return this.unexpected.find((e) => matches({ source, tag, ctx }, e));
  }

  /** The oldest queued (not yet received) envelope that `test` accepts. */
  findUnexpected(test: (e: Envelope) => boolean): Envelope | undefined {
    return this.unexpected.find(test);
  }

  /** The receives the rank currently awaits. */
  waits(): WaitInfo[] {
    return this.posted
      .filter((p) => p.awaited)
      .map((p) => ({ source: p.source, tag: p.tag, operation: p.info.operation, ...(p.info.call === undefined ? {} : { call: p.info.call, kind: p.info.kind }) }));
  }
}
