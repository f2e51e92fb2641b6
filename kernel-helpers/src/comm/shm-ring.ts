/**
 * Shared-memory inboxes for ranks that are threads of one process: the role Open MPI's shared-memory
 * transport (vader) plays between processes. A MessagePort delivers a message through the
 * receiver's event loop (about 16 µs one way here); a store into a SharedArrayBuffer that the
 * receiver is polling arrives in well under a microsecond. So a rank blocked in a receive polls its
 * inbox for a short while before it goes back to waiting on its ports.
 *
 * One inbox per receiving rank: a `polling` flag, and one single-producer ring per sender. A
 * record is `u32 length | u32 seq | i32 tag | u8 ctx | u8 kind | u8 array type | u8 padding |
 * payload`, padded to 16 bytes; records never wrap (a PAD record fills the end). Every message
 * from a sender has a sequence number, whether it travels here or over the port (too big, or the
 * ring is full), and the receiver delivers strictly in sequence, so MPI's non-overtaking order holds.
 *
 * Waking a receiver that stopped polling: the sender stores its record, then reads `polling`; the
 * receiver clears `polling`, then reads the ring once more. With sequentially consistent atomics one
 * of the two sees the other's store (Dekker), and when the sender sees 0 it rings the doorbell: a
 * tiny port message that makes the receiver's event loop drain the ring. One doorbell at a time: a
 * `bell` flag, set by the sender that rings and cleared by the receiver before the drain the
 * doorbell causes, spares a busy receiver one event-loop wake-up per message (the same Dekker
 * argument shows no record is left behind).
 */
import v8 from "node:v8";
import { ARRAY_TYPES, arrayCode, type ArrayConstructor } from "./frames";
import type { Envelope } from "./protocol";

/** Bytes of ring per (sender, receiver) pair. */
export const RING_BYTES = 64 * 1024;
/** Payloads above this go over the port: copying big arrays twice through a ring gains nothing. */
const MAX_PAYLOAD = RING_BYTES / 4;
const RECORD_HEADER = 16;
/** Int32 slots of a ring's header: write and read positions (free-running byte counters). */
const WRITE = 0;
const READ = 1;
const RING_HEADER_BYTES = 8;

/** Int32 slots of an inbox's flags: whether its rank polls, and whether a doorbell is on its way. */
const POLLING = 0;
const BELL = 1;

const KIND_PAD = 0;
const KIND_ARRAY = 1;
const KIND_V8 = 2;

/** The shared memory of one receiving rank's inbox (sent to every rank in workerData). */
export type InboxMemory = SharedArrayBuffer;

/** Allocates the inbox of a rank in a world of `size`. */
export function allocateInbox(size: number): InboxMemory {
  // 8 bytes of flags, then one ring (header + data) per possible sender.
  return new SharedArrayBuffer(8 + size * (RING_HEADER_BYTES + RING_BYTES));
}

function ringOffset(sender: number): number {
  return 8 + sender * (RING_HEADER_BYTES + RING_BYTES);
}

// Records are 16-byte multiples, so the room left before the ring's end is 0 or at least a record
// header: a PAD record always fits there.
const align16 = (n: number): number => (n + 15) & ~15;

/** What a rank writes into another rank's inbox. */
export class RingWriter {
  private readonly header: Int32Array;
  private readonly flags: Int32Array;
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  private seq = 0;

  constructor(inbox: InboxMemory, sender: number) {
    const at = ringOffset(sender);
    this.flags = new Int32Array(inbox, 0, 2);
    this.header = new Int32Array(inbox, at, 2);
    this.bytes = new Uint8Array(inbox, at + RING_HEADER_BYTES, RING_BYTES);
    this.view = new DataView(inbox, at + RING_HEADER_BYTES, RING_BYTES);
  }

  /** The sequence number for the next message, whichever way it travels. */
  nextSeq(): number {
    return this.seq++;
  }

  /**
   * Writes the envelope as message `seq` if it is small enough and fits; returns whether it did,
   * and in `wake` whether the receiver is not polling (so the doorbell must ring).
   */
  tryWrite(envelope: Envelope, seq: number): { written: boolean; wake: boolean } {
    const d = envelope.d;
    let kind: number;
    let code = 0;
    let payload: Uint8Array;
    const arrayType = arrayCode(d);
    if (arrayType >= 0) {
      const v = d as ArrayBufferView;
      // A view of a SharedArrayBuffer is shared, not copied, by the port: keep it there.
      if (v.buffer instanceof SharedArrayBuffer) return { written: false, wake: false };
      kind = KIND_ARRAY;
      code = arrayType;
      payload = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    } else if (d === null || (typeof d !== "object" && typeof d !== "function" && typeof d !== "symbol")) {
      // Primitives only: an object could hold a SharedArrayBuffer view, which v8.serialize copies.
      kind = KIND_V8;
      payload = v8.serialize(d);
    } else {
      return { written: false, wake: false };
    }
    if (payload.byteLength > MAX_PAYLOAD) return { written: false, wake: false };
    const need = align16(RECORD_HEADER + payload.byteLength);
    const write = Atomics.load(this.header, WRITE) >>> 0;
    const read = Atomics.load(this.header, READ) >>> 0;
    let at = write % RING_BYTES;
    const tail = RING_BYTES - at;
    const pad = tail < need ? tail : 0;
    if (((write - read) >>> 0) + pad + need > RING_BYTES) return { written: false, wake: false };
    if (pad > 0) {
      this.view.setUint32(at, pad, true);
      this.bytes[at + 13] = KIND_PAD;
      at = 0;
    }
    this.view.setUint32(at, need, true);
    this.view.setUint32(at + 4, seq, true);
    this.view.setInt32(at + 8, envelope.t, true);
    this.bytes[at + 12] = envelope.c;
    this.bytes[at + 13] = kind;
    this.bytes[at + 14] = code;
    this.bytes[at + 15] = need - RECORD_HEADER - payload.byteLength;
    this.bytes.set(payload, at + RECORD_HEADER);
    // The store publishes the record; the loads after it pair with the receiver's clear-then-check.
    Atomics.store(this.header, WRITE, (write + pad + need) | 0);
    const wake = Atomics.load(this.flags, POLLING) === 0 && Atomics.compareExchange(this.flags, BELL, 0, 1) === 0;
    return { written: true, wake };
  }
}

/** A record read from a ring: the envelope and its sequence number. */
export interface RingRecord {
  readonly seq: number;
  readonly envelope: Envelope;
}

/** What a rank reads from its own inbox, one ring per sender. */
export class RingReader {
  private readonly flags: Int32Array;
  private readonly rings: { header: Int32Array; bytes: Uint8Array; view: DataView; sender: number }[] = [];

  constructor(inbox: InboxMemory, self: number, size: number) {
    this.flags = new Int32Array(inbox, 0, 2);
    for (let s = 0; s < size; s++) {
      if (s === self) continue;
      const at = ringOffset(s);
      this.rings.push({
        header: new Int32Array(inbox, at, 2),
        bytes: new Uint8Array(inbox, at + RING_HEADER_BYTES, RING_BYTES),
        view: new DataView(inbox, at + RING_HEADER_BYTES, RING_BYTES),
        sender: s,
      });
    }
  }

  /** Tells senders this rank is polling (true) or must be woken by the doorbell (false). */
  setPolling(polling: boolean): void {
    Atomics.store(this.flags, POLLING, polling ? 1 : 0);
  }

  /** Call when a doorbell arrives, before draining: the next record written after this rings again. */
  answerDoorbell(): void {
    Atomics.store(this.flags, BELL, 0);
  }

  /** Reads every complete record now in the rings; returns how many it handed to `onRecord`. */
  drain(onRecord: (record: RingRecord) => void): number {
    let count = 0;
    for (const ring of this.rings) {
      let read = Atomics.load(ring.header, READ) >>> 0;
      const write = Atomics.load(ring.header, WRITE) >>> 0;
      while (read !== write) {
        const at = read % RING_BYTES;
        const length = ring.view.getUint32(at, true);
        const kind = ring.bytes[at + 13]!;
        if (kind !== KIND_PAD) {
          const seq = ring.view.getUint32(at + 4, true);
          const t = ring.view.getInt32(at + 8, true);
          const c = ring.bytes[at + 12] as 0 | 1;
          const payloadLength = length - RECORD_HEADER - ring.bytes[at + 15]!;
          let d: unknown;
          if (kind === KIND_ARRAY) {
            d = readArray(ARRAY_TYPES[ring.bytes[at + 14]!]!, ring.bytes, at + RECORD_HEADER, payloadLength);
          } else {
            d = v8.deserialize(Buffer.from(ring.bytes.buffer, ring.bytes.byteOffset + at + RECORD_HEADER, payloadLength));
          }
          onRecord({ seq, envelope: { s: ring.sender, t, c, d } });
          count++;
        }
        read = (read + length) >>> 0;
        Atomics.store(ring.header, READ, read | 0);
      }
    }
    return count;
  }
}

type TypedArrayClass = new (...args: [length: number] | [buffer: ArrayBufferLike, byteOffset: number, length: number]) => ArrayBufferView & {
  set(source: ArrayBufferView): void;
};

/**
 * A copy of `byteLength` bytes at `offset` of the shared ring as a `Ctor` array of the receiver's
 * own. Made by length, not on a fresh ArrayBuffer: V8 keeps a small typed array on its heap (70 ns
 * here), while `new ArrayBuffer` costs about 1 µs even for 8 bytes, which was most of a ring
 * message's time. Payloads start 8-byte aligned, so a view of any element type fits there.
 */
function readArray(Ctor: ArrayConstructor, ring: Uint8Array, offset: number, byteLength: number): ArrayBufferView {
  const C = Ctor as unknown as TypedArrayClass & { BYTES_PER_ELEMENT: number };
  const length = byteLength / C.BYTES_PER_ELEMENT;
  const out = new C(length);
  out.set(new C(ring.buffer, ring.byteOffset + offset, length));
  return out;
}
