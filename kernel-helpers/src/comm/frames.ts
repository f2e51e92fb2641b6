/**
 * Length-prefixed frames over a byte stream: the wire format of the processes and mpiexec
 * transports.
 *
 * Three kinds of body:
 * - a v8-serialized value (Node's structured clone, so Map, Set, Date and typed arrays arrive as
 *   they left, like with worker threads): control messages, and envelopes carrying objects as
 *   `{ q: seq, e: envelope }` (per-pair sequence numbers, see sequencer.ts);
 * - an envelope whose data is one typed array (the buffer forms `Send`, `Bcast`, `Allreduce`…):
 *   a fixed binary header and the array's raw bytes, with no serializer on either side and only
 *   the view's own bytes on the wire (v8 would send its whole ArrayBuffer);
 * - the same header for a typed array whose bytes wait in a file lane (processes of one host, see
 *   file-lane.ts), and where in the lane.
 * A reader hands typed-array and lane frames on as `{ q, e }` too.
 *
 * Layout: `u32 length | u8 kind | body`, where length counts kind + body.
 * Typed-array body: `u32 source | i32 tag | u8 context | u8 array type | u16 0 | u32 seq | bytes`.
 * Lane body: the typed-array header, then `u32 byte length | u32 lane offset | u32 lane end`.
 */
import type { Socket } from "node:net";
import v8 from "node:v8";
import { InvalidArgumentError } from "../errors";
import type { Lanes, LaneWriter } from "./file-lane";
import type { Envelope } from "./protocol";
import type { Sequenced } from "./sequencer";
import type { Spares } from "./spares";

const KIND_V8 = 0;
const KIND_ARRAY = 1;
const KIND_LANE = 2;
const PREFIX = 5; // u32 length + u8 kind
const ARRAY_HEADER = 16;
const LANE_HEADER = 12;
/** Bodies up to this size are copied into one buffer and written with a single `write`. */
const COPY_LIMIT = 64 * 1024;
/** A frame's length is a u32 that counts the kind byte and the body. */
const MAX_FRAME = 2 ** 32 - 1;

/** Refuses a body the u32 length cannot describe, instead of sending a frame that lies about its size. */
function checkFrameLength(length: number): void {
  if (length > MAX_FRAME) {
    throw new InvalidArgumentError(`Expected a message of at most ${MAX_FRAME - 1 - ARRAY_HEADER} bytes between processes (the frame length is 32-bit), got ${length} bytes: send it in parts`);
  }
}

/** A typed-array class, as the wire formats name it: by its index in {@link ARRAY_TYPES}. */
export type ArrayConstructor = new (buffer: ArrayBuffer, byteOffset?: number, length?: number) => ArrayBufferView;
export const ARRAY_TYPES: ArrayConstructor[] = [
  Float64Array, Float32Array, Int32Array, Int16Array, Int8Array, Uint32Array, Uint16Array, Uint8Array, Uint8ClampedArray, BigInt64Array, BigUint64Array,
];
const ARRAY_CODE = new Map<Function, number>(ARRAY_TYPES.map((c, i) => [c, i]));

/** The index of `value`'s typed-array class, or -1 (not a typed array, or a subclass such as Buffer). */
export function arrayCode(value: unknown): number {
  if (!ArrayBuffer.isView(value)) return -1;
  // Buffer (a Uint8Array subclass) and user subclasses would come back as their base class: v8 keeps them apart.
  return ARRAY_CODE.get(value.constructor) ?? -1;
}

function prefix(target: Buffer, length: number, kind: number): void {
  target.writeUInt32BE(length, 0);
  target[4] = kind;
}

/** Writes one value as a v8-serialized frame, with a single `write`. */
export function writeFrame(socket: Socket, value: unknown): void {
  const body = v8.serialize(value);
  checkFrameLength(body.length + 1);
  if (body.length <= COPY_LIMIT) {
    const frame = Buffer.allocUnsafe(PREFIX + body.length);
    prefix(frame, body.length + 1, KIND_V8);
    body.copy(frame, PREFIX);
    socket.write(frame);
    return;
  }
  const head = Buffer.allocUnsafe(PREFIX);
  prefix(head, body.length + 1, KIND_V8);
  socket.cork();
  socket.write(head);
  socket.write(body);
  socket.uncork();
}

function arrayHeader(target: Buffer, envelope: Envelope, seq: number, code: number): void {
  target.writeUInt32BE(envelope.s, 5);
  target.writeInt32BE(envelope.t, 9);
  target[13] = envelope.c;
  target[14] = code;
  target.writeUInt16BE(0, 15);
  target.writeUInt32BE(seq, 17);
}

/**
 * Writes envelope number `seq` (to this peer). A typed-array payload goes out as raw bytes: small
 * ones copied into the frame, big ones into `lane` when there is one with room, else straight from
 * the caller's memory, in which case the returned promise settles once the socket has taken them
 * (the caller must not change the array before: MPI's rule for a blocking send's buffer).
 * Otherwise undefined: the data was copied already.
 */
export function writeEnvelope(socket: Socket, envelope: Envelope, seq: number, lane?: LaneWriter): Promise<void> | undefined {
  const code = arrayCode(envelope.d);
  if (code < 0) {
    writeFrame(socket, { q: seq, e: envelope } satisfies Sequenced);
    return undefined;
  }
  const view = envelope.d as ArrayBufferView;
  const n = view.byteLength;
  checkFrameLength(1 + ARRAY_HEADER + n);
  const bytes = Buffer.from(view.buffer, view.byteOffset, n);
  // Too big to copy into a frame: a lane beats the socket from here on (measured at 64 KiB–8 MiB).
  const slot = lane && n > COPY_LIMIT ? lane.tryWrite(bytes) : undefined;
  if (slot) {
    const frame = Buffer.allocUnsafe(PREFIX + ARRAY_HEADER + LANE_HEADER);
    prefix(frame, 1 + ARRAY_HEADER + LANE_HEADER, KIND_LANE);
    arrayHeader(frame, envelope, seq, code);
    frame.writeUInt32BE(n, PREFIX + ARRAY_HEADER);
    frame.writeUInt32BE(slot.at, PREFIX + ARRAY_HEADER + 4);
    frame.writeUInt32BE(slot.end, PREFIX + ARRAY_HEADER + 8);
    socket.write(frame);
    return undefined;
  }
  const small = n <= COPY_LIMIT;
  const head = Buffer.allocUnsafe(PREFIX + ARRAY_HEADER + (small ? n : 0));
  prefix(head, 1 + ARRAY_HEADER + n, KIND_ARRAY);
  arrayHeader(head, envelope, seq, code);
  if (small) {
    bytes.copy(head, PREFIX + ARRAY_HEADER);
    socket.write(head);
    return undefined;
  }
  return new Promise((resolve) => {
    socket.cork();
    socket.write(head);
    // Resolves on error too: a broken connection is reported by the coordinator, not by this send.
    socket.write(bytes, () => resolve());
    socket.uncork();
  });
}

/** Where a frame reader finds lane payloads and memory for big arrays (processes of one host). */
export interface LaneSources {
  readonly lanes: Lanes;
  readonly spares: Spares;
}

/**
 * Reassembles frames from chunks. A body that spans chunks is copied once, as its chunks arrive,
 * into memory of its final size: for a typed array, the ArrayBuffer the receiver gets. A lane
 * frame's payload is read from its lane straight into that memory.
 */
export class FrameReader {
  private head = Buffer.allocUnsafe(PREFIX + ARRAY_HEADER + LANE_HEADER);
  private headLength = 0;
  /** The body being filled (after its headers), and how far. */
  private body: Uint8Array | undefined;
  private filled = 0;
  private kind = 0;
  private meta: { s: number; t: number; c: number; code: number; q: number } | undefined;

  constructor(
    private readonly onFrame: (value: unknown) => void,
    private readonly lanes?: LaneSources,
  ) {}

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.body === undefined) {
        at = this.readHeaders(chunk, at);
        continue;
      }
      const k = Math.min(chunk.length - at, this.body.length - this.filled);
      this.body.set(chunk.subarray(at, at + k), this.filled);
      this.filled += k;
      at += k;
      if (this.filled === this.body.length) this.complete(this.body);
    }
  }

  /** Consumes prefix (and typed-array / lane header) bytes; may complete whole small frames in place. */
  private readHeaders(chunk: Buffer, at: number): number {
    // Fast path: a whole frame in this chunk, nothing buffered — decode from the chunk itself.
    if (this.headLength === 0 && chunk.length - at >= PREFIX) {
      const length = chunk.readUInt32BE(at);
      const kind = chunk[at + 4]!;
      if (kind === KIND_V8 && chunk.length - at >= 4 + length) {
        this.onFrame(v8.deserialize(chunk.subarray(at + PREFIX, at + 4 + length)));
        return at + 4 + length;
      }
    }
    const need = this.headLength < PREFIX ? PREFIX : PREFIX + ARRAY_HEADER + (this.head[4] === KIND_LANE ? LANE_HEADER : 0);
    const k = Math.min(need - this.headLength, chunk.length - at);
    chunk.copy(this.head, this.headLength, at, at + k);
    this.headLength += k;
    at += k;
    if (this.headLength < need) return at;
    const length = this.head.readUInt32BE(0);
    this.kind = this.head[4]!;
    if (this.kind !== KIND_V8 && this.headLength === PREFIX) return at; // read the array (and lane) header next
    if (this.kind === KIND_V8) {
      this.meta = undefined;
      this.body = new Uint8Array(length - 1);
    } else {
      this.meta = { s: this.head.readUInt32BE(5), t: this.head.readInt32BE(9), c: this.head[13]!, code: this.head[14]!, q: this.head.readUInt32BE(17) };
      if (this.kind === KIND_LANE) {
        this.readLane();
        return at;
      }
      this.body = new Uint8Array(length - 1 - ARRAY_HEADER);
    }
    this.filled = 0;
    if (this.body.length === 0) this.complete(this.body);
    return at;
  }

  private readLane(): void {
    if (!this.lanes) throw new Error("a lane frame arrived on a connection without lanes");
    const base = PREFIX + ARRAY_HEADER;
    const byteLength = this.head.readUInt32BE(base);
    const body = new Uint8Array(this.lanes.spares.take(byteLength));
    this.lanes.lanes.reader(this.meta!.s).read(body, { at: this.head.readUInt32BE(base + 4), end: this.head.readUInt32BE(base + 8) });
    this.complete(body);
  }

  private complete(body: Uint8Array): void {
    this.body = undefined;
    this.headLength = 0;
    if (this.kind === KIND_V8) {
      this.onFrame(v8.deserialize(body));
      return;
    }
    const { s, t, c, code, q } = this.meta!;
    const Ctor = ARRAY_TYPES[code]!;
    const bytesPer = (Ctor as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
    this.onFrame({ q, e: { s, t, c, d: new Ctor(body.buffer as ArrayBuffer, 0, body.length / bytesPer) } } satisfies Sequenced);
  }
}

/** Feeds a socket's data into a FrameReader. */
export function onFrames(socket: Socket, handler: (value: unknown) => void, lanes?: LaneSources): void {
  const reader = new FrameReader(handler, lanes);
  socket.on("data", (chunk: Buffer) => reader.push(chunk));
}
