// Per-pair sequence numbers: a sender numbers every message to a peer, whichever way it travels
// (shared-memory or file ring, port or socket), and the receiver delivers strictly in that order,
// so MPI's non-overtaking rule holds across ways that do not keep order between them. Numbers are
// u32 on every wire (frames, rings), so both sides count modulo 2³² and a long run wraps cleanly.
import type { Envelope } from "./protocol";

/** A message sent with a sequence number: how ports and sockets carry envelopes between ranks. */
export interface Sequenced {
  readonly q: number;
  readonly e: Envelope;
}

/** The sending side: the next sequence number per destination. */
export class SendCounter {
  private readonly next: number[];

  constructor(size: number) {
    this.next = new Array<number>(size).fill(0);
  }

  take(dest: number): number {
    const seq = this.next[dest]!;
    this.next[dest] = (seq + 1) >>> 0;
    return seq;
  }

  /** Gives back the number just taken: the message could not be sent (it would not serialize). */
  untake(dest: number): void {
    this.next[dest] = (this.next[dest]! - 1) >>> 0;
  }

  /** @internal For the wrap-around test: start the counter to `dest` at `seq`. */
  startAt(dest: number, seq: number): void {
    this.next[dest] = seq >>> 0;
  }
}

/** The receiving side: delivers each sender's messages in sequence, holding back any that overtook. */
export class Sequencer {
  private readonly next: number[];
  private readonly early: Map<number, Envelope>[];

  constructor(
    size: number,
    private readonly deliver: (envelope: Envelope) => void,
  ) {
    this.next = new Array<number>(size).fill(0);
    this.early = Array.from({ length: size }, () => new Map<number, Envelope>());
  }

  /** @internal For the wrap-around test: expect `seq` next from `source`. */
  startAt(source: number, seq: number): void {
    this.next[source] = seq >>> 0;
  }

  accept(seq: number, envelope: Envelope): void {
    const s = envelope.s;
    const early = this.early[s]!;
    if (seq !== this.next[s]) {
      early.set(seq, envelope);
      return;
    }
    this.deliver(envelope);
    let next = (this.next[s] = (seq + 1) >>> 0);
    for (let e = early.get(next); e !== undefined; e = early.get(next)) {
      early.delete(next);
      this.deliver(e);
      next = this.next[s] = (next + 1) >>> 0;
    }
  }
}
