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

/**
 * How long a blocked receive polls its inbox before it waits on the event loop (threads and
 * processes alike). Only when every rank can have a core: with more ranks than cores, polling
 * would take the core from the very rank that is about to send.
 */
export const POLL_MS = 0.2;

/** Bytes of ring per (sender, receiver) pair. */
export const RING_BYTES = 64 * 1024;
/** Payloads above this go another way: copying big arrays twice through a ring gains nothing. */
export const MAX_PAYLOAD = RING_BYTES / 4;
/** Int32 slots of a ring's header: write and read positions (free-running byte counters). */
const WRITE = 0;
const READ = 1;
const RING_HEADER_BYTES = 8;

/** Int32 slots of an inbox's flags: whether its rank polls, and whether a doorbell is on its way. */
const POLLING = 0;
const BELL = 1;

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

// ---- The record format, shared with the processes' file rings (file-ring.ts) ----

const RECORD_HEADER = 16;
const KIND_PAD = 0;
const KIND_ARRAY = 1;
const KIND_V8 = 2;
/** "Message `seq` went another way": a polling receiver stops and lets its event loop take it. */
const KIND_MARKER = 3;

/** A record's payload: a typed array's own bytes, or a v8-serialized value. */
export interface RecordPayload {
  readonly kind: number;
  readonly code: number;
  readonly bytes: Uint8Array;
}

/**
 * The payload `d` would take in a record, or undefined when it must travel another way: too big,
 * a view of a SharedArrayBuffer (shared, never copied), or an object when `objects` is false
 * (threads: an object may hold a SharedArrayBuffer view, which v8.serialize would copy).
 */
export function recordPayload(d: unknown, objects: boolean): RecordPayload | undefined {
  let payload: RecordPayload;
  const arrayType = arrayCode(d);
  if (arrayType >= 0) {
    const v = d as ArrayBufferView;
    if (v.byteLength > MAX_PAYLOAD || v.buffer instanceof SharedArrayBuffer) return undefined;
    payload = { kind: KIND_ARRAY, code: arrayType, bytes: new Uint8Array(v.buffer, v.byteOffset, v.byteLength) };
  } else if (objects || d === null || (typeof d !== "object" && typeof d !== "function" && typeof d !== "symbol")) {
    payload = { kind: KIND_V8, code: 0, bytes: v8.serialize(d) };
  } else {
    return undefined;
  }
  return payload.bytes.byteLength > MAX_PAYLOAD ? undefined : payload;
}

/** A marker record's payload (see KIND_MARKER). */
export const MARKER: RecordPayload = { kind: KIND_MARKER, code: 0, bytes: new Uint8Array(0) };

// Records are 16-byte multiples, so the room left before the ring's end is 0 or at least a record
// header: a PAD record always fits there.
const align16 = (n: number): number => (n + 15) & ~15;

/** Bytes a record of `payload` takes in a ring. */
export function recordSize(payload: RecordPayload): number {
  return align16(RECORD_HEADER + payload.bytes.byteLength);
}

/**
 * Writes a record of `size` bytes at `at`: `u32 length | u32 seq | i32 tag | u8 ctx | u8 kind |
 * u8 array type | u8 padding | payload`.
 */
export function putRecord(bytes: Uint8Array, view: DataView, at: number, size: number, seq: number, envelope: Envelope | undefined, payload: RecordPayload): void {
  view.setUint32(at, size, true);
  view.setUint32(at + 4, seq, true);
  view.setInt32(at + 8, envelope?.t ?? 0, true);
  bytes[at + 12] = envelope?.c ?? 0;
  bytes[at + 13] = payload.kind;
  bytes[at + 14] = payload.code;
  bytes[at + 15] = size - RECORD_HEADER - payload.bytes.byteLength;
  bytes.set(payload.bytes, at + RECORD_HEADER);
}

/** Writes a PAD record filling the `size` bytes from `at` to the ring's end. */
export function putPad(bytes: Uint8Array, view: DataView, at: number, size: number): void {
  view.setUint32(at, size, true);
  bytes[at + 13] = KIND_PAD;
}

/** A record read from a ring: the envelope and its sequence number. */
export interface RingRecord {
  readonly seq: number;
  readonly envelope: Envelope;
}

/** Whether the record at `at` carries a message (not a pad or a marker). */
export function isMessage(bytes: Uint8Array, at: number): boolean {
  const kind = bytes[at + 13];
  return kind === KIND_ARRAY || kind === KIND_V8;
}

/**
 * Hands the record at `at` (from `sender`) to `onRecord`, or a marker's sequence number to
 * `onMarker`; returns the record's length, so the next one's offset.
 */
export function takeRecord(
  bytes: Uint8Array,
  view: DataView,
  at: number,
  sender: number,
  onRecord: (record: RingRecord) => void,
  onMarker?: (seq: number, sender: number) => void,
): number {
  const length = view.getUint32(at, true);
  const kind = bytes[at + 13]!;
  if (kind === KIND_PAD) return length;
  const seq = view.getUint32(at + 4, true);
  if (kind === KIND_MARKER) {
    onMarker?.(seq, sender);
    return length;
  }
  const t = view.getInt32(at + 8, true);
  const c = bytes[at + 12]!;
  const payloadLength = length - RECORD_HEADER - bytes[at + 15]!;
  const d =
    kind === KIND_ARRAY
      ? readArray(ARRAY_TYPES[bytes[at + 14]!]!, bytes, at + RECORD_HEADER, payloadLength)
      : v8.deserialize(Buffer.from(bytes.buffer, bytes.byteOffset + at + RECORD_HEADER, payloadLength));
  onRecord({ seq, envelope: { s: sender, t, c, d } });
  return length;
}

/** What a rank writes into another rank's inbox. */
export class RingWriter {
  private readonly header: Int32Array;
  private readonly flags: Int32Array;
  private readonly bytes: Uint8Array;
  private readonly view: DataView;

  constructor(inbox: InboxMemory, sender: number) {
    const at = ringOffset(sender);
    this.flags = new Int32Array(inbox, 0, 2);
    this.header = new Int32Array(inbox, at, 2);
    this.bytes = new Uint8Array(inbox, at + RING_HEADER_BYTES, RING_BYTES);
    this.view = new DataView(inbox, at + RING_HEADER_BYTES, RING_BYTES);
  }

  /**
   * Writes the envelope as message `seq` if it is small enough and fits; returns whether it did,
   * and in `wake` whether the receiver is not polling (so the doorbell must ring).
   */
  tryWrite(envelope: Envelope, seq: number): { written: boolean; wake: boolean } {
    const payload = recordPayload(envelope.d, false);
    if (!payload) return { written: false, wake: false };
    const need = recordSize(payload);
    const write = Atomics.load(this.header, WRITE) >>> 0;
    const read = Atomics.load(this.header, READ) >>> 0;
    let at = write % RING_BYTES;
    const tail = RING_BYTES - at;
    const pad = tail < need ? tail : 0;
    if (((write - read) >>> 0) + pad + need > RING_BYTES) return { written: false, wake: false };
    if (pad > 0) {
      putPad(this.bytes, this.view, at, pad);
      at = 0;
    }
    putRecord(this.bytes, this.view, at, need, seq, envelope, payload);
    // The store publishes the record; the loads after it pair with the receiver's clear-then-check.
    Atomics.store(this.header, WRITE, (write + pad + need) | 0);
    const wake = Atomics.load(this.flags, POLLING) === 0 && Atomics.compareExchange(this.flags, BELL, 0, 1) === 0;
    return { written: true, wake };
  }
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
        if (isMessage(ring.bytes, at)) count++;
        read = (read + takeRecord(ring.bytes, ring.view, at, ring.sender, onRecord)) >>> 0;
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
