/**
 * Small messages between ranks that are processes of one host, through an inbox file in /dev/shm
 * that a blocked receive polls: what shm-ring.ts does for threads, with `pread`/`pwrite` in place
 * of shared memory (Node cannot map a file into two processes). A message over the Unix socket
 * waits for the kernel to wake the receiver's event loop; a receiver polling its inbox with `pread`
 * sees a record after a few syscalls (1–2 µs each here). Measured here, 8 B ping-pong one way:
 * 42–59 µs over the socket, 11–17 µs through the inbox (mpi4py over shared memory: about 1.2).
 *
 * Rank r's inbox is the file `inbox-r`: `u32 polling | u32 bell | per sender s: u32 write | u32 read`,
 * padded to 64 bytes, then one ring of RING_BYTES per sender, holding shm-ring's records. Records
 * carry per-pair sequence numbers, like everything on the sockets, so the receiver merges both ways
 * in order (sequencer.ts). A message that takes the socket leaves a marker record when it can, so a
 * polling receiver stops polling and lets its event loop take it.
 *
 * Waking: the writer writes its record, then its write counter, then reads `polling`; the reader
 * clears `polling`, then reads the counters once more (syscalls on one file are ordered, so the
 * Dekker argument of shm-ring.ts holds). A writer that reads 0 rings the doorbell on the socket,
 * once: it sets `bell`, which the receiver clears before the drain the doorbell causes.
 */
import fs from "node:fs";
import path from "node:path";
import type { Envelope } from "./protocol";
import { MARKER, MAX_PAYLOAD, RING_BYTES, isMessage, putPad, putRecord, recordPayload, recordSize, takeRecord, type RecordPayload, type RingRecord } from "./shm-ring";

const HEADER_BYTES = (size: number): number => (8 + 8 * size + 63) & ~63;
/** Byte offsets of an inbox's flags: whether its rank polls, and whether a doorbell is on its way. */
const POLLING = 0;
const BELL = 4;
/**
 * A writer that finds the receiver not polling looks this many more times before it rings: a
 * receiver on its way into a blocking receive (the next step of a ping-pong) starts polling within
 * a few microseconds, and the doorbell, a socket write and an event-loop wake-up, costs more.
 */
const RECHECKS = 3;
/** The reader tells a writer how far it has read once it is this far ahead of what it last said. */
const PUBLISH_EVERY = RING_BYTES / 8;

function inboxFile(dir: string, rank: number): string {
  return path.join(dir, `inbox-${rank}`);
}

/** A rank's own inbox: it creates the file (before any peer can know of it) and drains it. */
export class FileInbox {
  private readonly fd: number;
  private readonly header: Uint32Array;
  private readonly headerBytes: number;
  private readonly scratch = new Uint8Array(RING_BYTES);
  private readonly scratchView = new DataView(this.scratch.buffer);
  private readonly flag = new Uint32Array(1);
  private readonly counter = new Uint32Array(1);
  /** Per sender, how far this rank has read, and how far the writer was last told. */
  private readonly reads: number[];
  private readonly published: number[];

  constructor(
    dir: string,
    private readonly rank: number,
    private readonly size: number,
  ) {
    this.headerBytes = HEADER_BYTES(size);
    this.reads = new Array<number>(size).fill(0);
    this.published = new Array<number>(size).fill(0);
    this.header = new Uint32Array(this.headerBytes / 4);
    const file = inboxFile(dir, rank);
    this.fd = fs.openSync(file, "w+", 0o600);
    try {
      // Full length at once (tmpfs allocates only what is written): a PAD record writes just its
      // header, and a read to the ring's end must not stop at the end of the file.
      fs.ftruncateSync(this.fd, this.headerBytes + size * RING_BYTES);
      fs.writeSync(this.fd, this.header, 0, this.headerBytes, 0);
    } catch (error) {
      // No half-made inbox that peers would write into and nobody would read.
      fs.closeSync(this.fd);
      fs.rmSync(file, { force: true });
      throw error;
    }
  }

  /** Tells writers this rank is polling (true) or must be woken by the doorbell (false). */
  setPolling(polling: boolean): void {
    this.flag[0] = polling ? 1 : 0;
    fs.writeSync(this.fd, this.flag, 0, 4, POLLING);
  }

  /** Call when a doorbell arrives, before draining: the next record written after this rings again. */
  answerDoorbell(): void {
    this.flag[0] = 0;
    fs.writeSync(this.fd, this.flag, 0, 4, BELL);
  }

  /**
   * Reads every record now in the rings: messages to `onRecord`, markers to `onMarker`; returns
   * how many messages it found. One `pread` when the rings are empty.
   */
  drain(onRecord: (record: RingRecord) => void, onMarker?: (seq: number, sender: number) => void): number {
    fs.readSync(this.fd, this.header, 0, 8 + 8 * this.size, 0);
    let count = 0;
    for (let s = 0; s < this.size; s++) {
      if (s === this.rank) continue;
      let read = this.reads[s]!;
      const write = this.header[2 + 2 * s]!;
      if (read === write) continue;
      const base = this.headerBytes + s * RING_BYTES;
      while (read !== write) {
        // Records never wrap, so one read up to the ring's end (or to `write`) holds whole records.
        const at = read % RING_BYTES;
        const span = Math.min((write - read) >>> 0, RING_BYTES - at);
        readFully(this.fd, this.scratch, span, base + at);
        for (let off = 0; off < span; ) {
          if (isMessage(this.scratch, off)) count++;
          off += takeRecord(this.scratch, this.scratchView, off, s, onRecord, onMarker);
        }
        read = (read + span) >>> 0;
      }
      this.reads[s] = read;
      // Telling the writer costs a syscall; it only needs to know before its ring fills.
      if (((read - this.published[s]!) >>> 0) >= PUBLISH_EVERY) this.publish(s, read);
    }
    return count;
  }

  private publish(sender: number, read: number): void {
    this.counter[0] = read;
    fs.writeSync(this.fd, this.counter, 0, 4, 8 + 8 * sender + 4);
    this.published[sender] = read;
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

function readFully(fd: number, target: Uint8Array, length: number, position: number): void {
  for (let done = 0; done < length; ) {
    const n = fs.readSync(fd, target, done, length - done, position + done);
    if (n === 0) throw new Error(`inbox file ended ${length - done} bytes short at ${position + done}`);
    done += n;
  }
}

/** The writing end of one rank's ring in another rank's inbox. */
export class FileRingWriter {
  private fd: number | undefined;
  private broken = false;
  private written = 0;
  /** The reader's position as last read: it only grows, so a stale value is safe (just pessimistic). */
  private read = 0;
  private readonly scratch = new Uint8Array(MAX_PAYLOAD + 32);
  private readonly scratchView = new DataView(this.scratch.buffer);
  private readonly word = new Uint32Array(1);
  private readonly flags = new Uint32Array(2);
  private readonly base: number;
  private readonly counterAt: number;

  constructor(
    private readonly file: string,
    sender: number,
    size: number,
  ) {
    this.base = HEADER_BYTES(size) + sender * RING_BYTES;
    this.counterAt = 8 + 8 * sender;
  }

  static forPeer(dir: string, sender: number, dest: number, size: number): FileRingWriter {
    return new FileRingWriter(inboxFile(dir, dest), sender, size);
  }

  /**
   * Writes message `seq` if small enough (any v8 value: processes share no memory, so nothing
   * can be shared by mistake) and it fits; `wake` says the receiver is not polling.
   */
  tryWrite(envelope: Envelope, seq: number): { written: boolean; wake: boolean } {
    const payload = recordPayload(envelope.d, true);
    if (!payload || !this.put(recordSize(payload), seq, envelope, payload)) return { written: false, wake: false };
    return { written: true, wake: this.needsDoorbell() };
  }

  /**
   * Leaves a marker saying message `seq` went by the socket; false when the ring is full. Never a
   * doorbell: the socket frame itself wakes the receiver.
   */
  mark(seq: number): boolean {
    return this.put(recordSize(MARKER), seq, undefined, MARKER);
  }

  /** Writes and publishes one record; false when it does not fit or the inbox cannot be written. */
  private put(need: number, seq: number, envelope: Envelope | undefined, payload: RecordPayload): boolean {
    if (this.broken) return false;
    try {
      this.fd ??= fs.openSync(this.file, "r+");
      let at = this.written % RING_BYTES;
      const pad = RING_BYTES - at < need ? RING_BYTES - at : 0;
      if (((this.written - this.read) >>> 0) + pad + need > RING_BYTES) {
        fs.readSync(this.fd, this.word, 0, 4, this.counterAt + 4);
        this.read = this.word[0]!;
        if (((this.written - this.read) >>> 0) + pad + need > RING_BYTES) return false;
      }
      if (pad > 0) {
        putPad(this.scratch, this.scratchView, 0, pad);
        fs.writeSync(this.fd, this.scratch, 0, 16, this.base + at);
        at = 0;
      }
      putRecord(this.scratch, this.scratchView, 0, need, seq, envelope, payload);
      fs.writeSync(this.fd, this.scratch, 0, need, this.base + at);
      this.word[0] = (this.written + pad + need) >>> 0;
      fs.writeSync(this.fd, this.word, 0, 4, this.counterAt);
      this.written = this.word[0]!;
    } catch {
      // No inbox to write to (its rank could not make one) or /dev/shm is full: nothing was
      // published, and from now on the socket takes everything to this rank.
      this.broken = true;
      return false;
    }
    return true;
  }

  /** Whether to ring: the receiver is not polling and no doorbell is on its way (then one is, from us). */
  private needsDoorbell(): boolean {
    try {
      return this.lookAndRing();
    } catch {
      return true; // when in doubt, ring
    }
  }

  private lookAndRing(): boolean {
    for (let look = 0; look <= RECHECKS; look++) {
      fs.readSync(this.fd!, this.flags, 0, 8, 0);
      if (this.flags[0] !== 0) return false; // polling: it will see the record
      if (this.flags[1] !== 0) return false; // a doorbell rung since it last drained will make it drain
    }
    this.word[0] = 1;
    fs.writeSync(this.fd!, this.word, 0, 4, BELL);
    return true;
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}
