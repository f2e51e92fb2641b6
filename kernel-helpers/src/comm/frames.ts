/**
 * Length-prefixed frames of v8-serialized values over a byte stream: the wire format of the
 * processes and mpiexec transports. v8's serializer is Node's structured clone, so Map, Set, Date
 * and typed arrays arrive as they left, like with worker threads.
 */
import type { Socket } from "node:net";
import v8 from "node:v8";

/** Writes one value as a frame; the header and body go out without concatenating them. */
export function writeFrame(socket: Socket, value: unknown): void {
  const body = v8.serialize(value);
  const header = Buffer.allocUnsafe(4);
  header.writeUInt32BE(body.length, 0);
  socket.cork();
  socket.write(header);
  socket.write(body);
  socket.uncork();
}

/** Reassembles frames from chunks; copies a body at most once (none when it sits in one chunk). */
export class FrameReader {
  private chunks: Buffer[] = [];
  private total = 0;
  private need = -1;

  constructor(private readonly onFrame: (value: unknown) => void) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.total += chunk.length;
    for (;;) {
      if (this.need < 0) {
        if (this.total < 4) return;
        this.need = this.take(4).readUInt32BE(0);
      }
      if (this.total < this.need) return;
      const body = this.take(this.need);
      this.need = -1;
      this.onFrame(v8.deserialize(body));
    }
  }

  private take(n: number): Buffer {
    this.total -= n;
    const first = this.chunks[0]!;
    if (first.length >= n) {
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let offset = 0;
    while (offset < n) {
      const c = this.chunks[0]!;
      const k = Math.min(c.length, n - offset);
      c.copy(out, offset, 0, k);
      offset += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    return out;
  }
}

/** Feeds a socket's data into a FrameReader. */
export function onFrames(socket: Socket, handler: (value: unknown) => void): void {
  const reader = new FrameReader(handler);
  socket.on("data", (chunk: Buffer) => reader.push(chunk));
}
