// Spent receive buffers kept for the next receive of the same size: fresh megabytes cost page
// faults and zeroing, a recycled buffer neither (the threads port and the processes lanes use it).

const MAX_SPARES = 4;
/** Smaller arrays are cheap to allocate: not worth keeping. */
const SPARE_MIN = 64 * 1024;

export class Spares {
  private readonly buffers: ArrayBuffer[] = [];

  /** A spare of exactly `byteLength` bytes, or a new one. */
  take(byteLength: number): ArrayBuffer {
    const i = this.buffers.findIndex((b) => b.byteLength === byteLength);
    return i < 0 ? new ArrayBuffer(byteLength) : this.buffers.splice(i, 1)[0]!;
  }

  /** Keeps `array`'s memory if it owns a whole, big enough ArrayBuffer (the communicator is done with it). */
  give(array: ArrayBufferView): void {
    // Size first: reading `.buffer` of a small typed array makes V8 move it off its heap (~1 µs).
    if (array.byteLength < SPARE_MIN) return;
    const buffer = array.buffer;
    if (buffer instanceof ArrayBuffer && array.byteOffset === 0 && array.byteLength === buffer.byteLength) {
      if (this.buffers.length >= MAX_SPARES) this.buffers.shift();
      this.buffers.push(buffer);
    }
  }
}
