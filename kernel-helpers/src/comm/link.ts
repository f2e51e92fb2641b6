/**
 * What a transport gives the communicator: a way to post envelopes to other ranks and reports to
 * the coordinator. Incoming envelopes go to the `deliver` callback the communicator hands over.
 */
import type { Envelope, RankReport } from "./protocol";

export interface Link {
  readonly rank: number;
  readonly size: number;
  /**
   * Sends to another rank (never to itself: the communicator delivers those locally). Returns a
   * promise when the transport still reads the caller's typed array (zero-copy send): the
   * communicator awaits it before the array may change. Undefined when the data was copied.
   */
  post(dest: number, envelope: Envelope): Promise<void> | undefined;
  /** Sends a report to the coordinator (a no-op when nobody watches). */
  report(report: RankReport): void;
  /** Whether a coordinator watches for deadlocks, so blocked-state reports are worth sending. */
  readonly watched: boolean;
  /** Keeps the process alive while receives are posted (TCP sockets are unref'd otherwise). */
  hold(active: boolean): void;
  /** Stops the whole run with `code`; never resolves. */
  abort(code: number): Promise<never>;
  /** Connects the incoming side: called once by the communicator. */
  attach(deliver: (envelope: Envelope) => void): void;
  /**
   * Optional: a blocked receive calls this first; the transport may deliver synchronously (polling
   * shared memory) until `done()` or a short time is up, before the receive waits on the event loop.
   */
  poll?(done: () => boolean): void;
  /** Optional: a received array the communicator is done with; the transport may reuse its memory. */
  recycle?(array: ArrayBufferView): void;
}
