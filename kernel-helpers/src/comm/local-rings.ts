/**
 * A process rank's side of the file rings (file-ring.ts): its inbox, which a blocked receive polls,
 * and a writer into every peer's inbox. tcp-link.ts uses it for ranks of one host; messages that do
 * not fit a ring take the socket, and the sequence numbers put everything back in order.
 */
import os from "node:os";
import { performance } from "node:perf_hooks";
import { FileInbox, FileRingWriter } from "./file-ring";
import type { Envelope } from "./protocol";
import { POLL_MS, type RingRecord } from "./shm-ring";

export class LocalRings {
  private readonly writers: (FileRingWriter | undefined)[];
  private readonly pollMs: number;
  private sawMarker = false;
  /**
   * Whether the inbox says "polling". A rank may stay flagged while it runs code after a receive,
   * but never while it waits on its event loop: an immediate clears the flag first.
   */
  private polling = false;
  private idle: NodeJS.Immediate | undefined;
  private readonly onRecord: (record: RingRecord) => void;
  private readonly onMarker = (): void => {
    this.sawMarker = true;
  };

  private constructor(
    private readonly inbox: FileInbox | undefined,
    dir: string,
    rank: number,
    size: number,
    accept: (seq: number, envelope: Envelope) => void,
  ) {
    this.writers = Array.from({ length: size }, (_, j) => (j === rank ? undefined : FileRingWriter.forPeer(dir, rank, j, size)));
    this.pollMs = inbox && size <= os.availableParallelism() ? POLL_MS : 0;
    this.onRecord = (record) => accept(record.seq, record.envelope);
  }

  /**
   * Makes this rank's inbox in `dir`: call before any peer can learn where this rank is. Without an
   * inbox (no room in /dev/shm) peers find no file and send everything over the socket.
   */
  static open(dir: string, rank: number, size: number, accept: (seq: number, envelope: Envelope) => void): LocalRings {
    let inbox: FileInbox | undefined;
    try {
      inbox = new FileInbox(dir, rank, size);
    } catch {
      inbox = undefined;
    }
    return new LocalRings(inbox, dir, rank, size, accept);
  }

  /** Puts message `seq` in `dest`'s inbox if it fits; "wake" means ring the doorbell on the socket. */
  tryPost(dest: number, envelope: Envelope, seq: number): "sent" | "wake" | undefined {
    const { written, wake } = this.writers[dest]!.tryWrite(envelope, seq);
    return written ? (wake ? "wake" : "sent") : undefined;
  }

  /** Message `seq` went by the socket: tells a polling `dest` to stop and let its event loop take it. */
  markSocket(dest: number, seq: number): void {
    this.writers[dest]!.mark(seq);
  }

  /** Takes every record in the inbox; call on every socket frame (records may precede it). */
  drain(): void {
    this.inbox?.drain(this.onRecord, this.onMarker);
  }

  answerDoorbell(): void {
    this.inbox?.answerDoorbell();
  }

  /** A blocked receive: polls the inbox until `done()`, a marker, or the polling time is up. */
  poll(done: () => boolean): void {
    if (!this.inbox || this.pollMs === 0) return;
    if (!this.polling) this.inbox.setPolling((this.polling = true));
    this.sawMarker = false;
    const deadline = performance.now() + this.pollMs;
    for (let i = 1; ; i++) {
      this.drain();
      if (done()) {
        // Stay flagged as polling until this rank next yields to its event loop: each flag write
        // is a syscall (1–2 µs here), and a ping-pong's next receive comes before that.
        this.idle ??= setImmediate(this.stopPolling);
        return;
      }
      if (this.sawMarker || (i % 16 === 0 && performance.now() > deadline)) break;
    }
    this.stopPolling();
  }

  private readonly stopPolling = (): void => {
    if (this.idle) clearImmediate(this.idle);
    this.idle = undefined;
    if (!this.polling) return;
    this.inbox!.setPolling((this.polling = false));
    // Then look once more: a writer that saw us polling rang no doorbell (see file-ring.ts).
    this.drain();
  };

  close(): void {
    if (this.idle) clearImmediate(this.idle);
    this.idle = undefined;
    this.inbox?.close();
    for (const writer of this.writers) writer?.close();
  }
}
