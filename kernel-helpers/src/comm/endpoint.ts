/**
 * One rank's end of the message layer, under both the point-to-point calls and the collectives:
 * posting envelopes to the transport (a message to oneself is copied locally), posting receives
 * in the mailbox (letting a transport that polls shared memory deliver first), and keeping the
 * coordinator informed of blocked receives.
 */
import { InvalidArgumentError, KernelHelpersError, describeValue } from "../errors";
import { BlockedStateReporter } from "./blocked-state";
import type { Link } from "./link";
import { Mailbox, type PendingReceive, type ReceiveInfo } from "./mailbox";
import type { Envelope } from "./protocol";

export class Endpoint {
  readonly rank: number;
  readonly size: number;
  readonly mailbox = new Mailbox();

  constructor(
    readonly link: Link,
    /** Sees every arriving envelope before the mailbox does (the collectives' order check). */
    inspect: (envelope: Envelope) => void,
  ) {
    this.rank = link.rank;
    this.size = link.size;
    const blocked = new BlockedStateReporter(link, this.mailbox);
    this.mailbox.onChange = () => blocked.changed();
    this.mailbox.onPending = (active) => link.hold(active);
    link.attach((e) => {
      inspect(e);
      this.mailbox.deliver(e);
    });
  }

  /**
   * Posts an envelope; a promise means the transport still reads `data` (see `Link.post`). A value
   * that cannot be serialized is refused naming `what` (the caller's argument), and nothing is sent.
   */
  post(data: unknown, dest: number, tag: number, ctx: number, what = "obj"): Promise<void> | undefined {
    const envelope: Envelope = { s: this.rank, t: tag, c: ctx, d: data };
    let sent: Promise<void> | undefined;
    this.mailbox.sent++;
    try {
      // A message to oneself is copied like any other, so later changes by the sender cannot leak in.
      if (dest === this.rank) this.mailbox.deliver({ ...envelope, d: structuredClone(data) });
      else sent = this.link.post(dest, envelope);
    } catch (error) {
      this.mailbox.sent--;
      if (error instanceof KernelHelpersError) throw error;
      throw new InvalidArgumentError(`Expected \`${what}\` to be a value structured clone can copy (no functions, symbols or class instances with private state), got ${describeValue(data)}: ${(error as Error).message}`);
    }
    return sent;
  }

  /** Posts a receive; `block()` on the result lets a polling transport deliver synchronously first. */
  postRecv(source: number, tag: number, ctx: number, info: ReceiveInfo): PendingReceive {
    const pending = this.mailbox.post(source, tag, ctx, info);
    const link = this.link;
    if (!link.poll || pending.done() !== undefined) return pending;
    return {
      ...pending,
      block: () => {
        if (pending.done() === undefined) link.poll!(() => pending.done() !== undefined);
        pending.block();
      },
    };
  }

  /** Receives one envelope (awaited: it blocks the rank). */
  async take(source: number, tag: number, ctx: number, info: ReceiveInfo): Promise<Envelope> {
    const pending = this.postRecv(source, tag, ctx, info);
    pending.block();
    return pending.promise;
  }

  /** A received array is spent: the transport may reuse its memory. */
  recycle(array: unknown): void {
    this.link.recycle?.(array as ArrayBufferView);
  }

  counters(): { sent: number; received: number } {
    return { sent: this.mailbox.sent, received: this.mailbox.received };
  }
}
