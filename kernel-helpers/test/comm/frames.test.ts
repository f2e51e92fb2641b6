// The TCP transports' wire format: values and typed-array envelopes survive a real loopback
// socket, and the reader reassembles them whatever the chunk boundaries.
import assert from "node:assert/strict";
import net from "node:net";
import { describe, it } from "node:test";
import { FrameReader, onFrames, writeEnvelope, writeFrame } from "kernel-helpers/dist/comm/frames";

const big = new Float64Array(300_000).map((_, i) => i * 0.5); // 2.4 MB: the zero-copy path
const messages: unknown[] = [
  { type: "hello", rank: 3, port: 4000 },
  { s: 1, t: 7, c: 0, d: new Map([["k", [1, 2]]]) },
  { s: 2, t: 0, c: 1, d: new Float64Array([1.5, -2, 3]) },
  { s: 0, t: 5, c: 0, d: new Int16Array(40_000).subarray(10, 20).fill(-7) }, // only the view's bytes travel
  { s: 1, t: 9, c: 0, d: new Uint8Array(0) },
  { s: 3, t: 2, c: 1, d: big },
  { s: 2, t: 4, c: 0, d: new BigInt64Array([1n, -2n]) },
  { s: 1, t: 1, c: 0, d: "x".repeat(100_000) }, // a v8 frame larger than the copy limit
];

/** What a reader hands on: plain values as they are, envelopes with the sequence number they were sent with. */
const expected = messages.map((m, i) => ("s" in (m as object) ? { q: 1000 + i, e: m } : m));

async function sendOverLoopback(): Promise<{ received: unknown[]; bytes: Buffer }> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const accepted = new Promise<net.Socket>((r) => server.once("connection", r));
  const client = net.connect((server.address() as net.AddressInfo).port, "127.0.0.1");
  const socket = await accepted;
  const received: unknown[] = [];
  const chunks: Buffer[] = [];
  socket.on("data", (c: Buffer) => chunks.push(c));
  onFrames(socket, (v) => received.push(v));
  const writes: Promise<void>[] = [];
  for (const [i, m] of messages.entries()) {
    const env = m as { d?: unknown };
    if ("s" in (m as object)) {
      const w = writeEnvelope(client, m as never, 1000 + i);
      if (w) writes.push(w);
      else assert.ok(!ArrayBuffer.isView(env.d) || (env.d as ArrayBufferView).byteLength <= 64 * 1024);
    } else writeFrame(client, m);
  }
  assert.equal(writes.length, 1, "the large typed array goes out without a copy");
  await Promise.all(writes);
  client.end();
  await new Promise((r) => socket.once("end", r));
  server.close();
  return { received, bytes: Buffer.concat(chunks) };
}

describe("frames", () => {
  it("carry values and typed arrays over a socket, whatever the chunking", async () => {
    const { received, bytes } = await sendOverLoopback();
    assert.deepEqual(received, expected);
    const view = (received[3] as { e: { d: Int16Array } }).e.d;
    assert.equal(view.buffer.byteLength, 20, "a subarray arrives as its own elements only");
    assert.equal((received[5] as { e: { d: Float64Array } }).e.d.byteOffset, 0);
    // Replay the same bytes in random pieces, down to single bytes.
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (const maxPiece of [1, 3, 17, 4096, 70_000]) {
      const again: unknown[] = [];
      const reader = new FrameReader((v) => again.push(v));
      for (let at = 0; at < bytes.length; ) {
        const n = Math.max(1, Math.floor(random() * maxPiece));
        reader.push(bytes.subarray(at, at + n));
        at += n;
      }
      assert.deepEqual(again, expected, `pieces up to ${maxPiece} bytes`);
    }
  });
});
