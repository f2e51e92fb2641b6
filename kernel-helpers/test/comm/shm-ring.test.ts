// The thread transport's shared-memory rings: records survive wrap-around with their exact type and
// length, a full ring refuses (the message then goes over the port), the doorbell is asked for only
// when the receiver is not polling; and over real rank threads, messages that take both ways arrive
// in the order they were sent.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mpirun } from "kernel-helpers";
import { RING_BYTES, RingReader, RingWriter, allocateInbox } from "kernel-helpers/dist/comm/shm-ring";
import type { Envelope } from "kernel-helpers/dist/comm/protocol";
import { checkDoorbell } from "./doorbell";
import { MIXED_ORDER_COUNT, mixedOrder } from "./helpers";

describe("shared-memory rings", () => {
  it("carry typed arrays and primitives through many wrap-arounds, exactly", () => {
    const inbox = allocateInbox(2);
    const writer = new RingWriter(inbox, 1);
    const reader = new RingReader(inbox, 0, 2);
    const got: Envelope[] = [];
    const sent: Envelope[] = [];
    let seq = 0;
    const kinds = [
      (i: number) => new Uint8Array(1 + (i % 13)).fill(i & 0xff), // odd lengths: padding must not show
      (i: number) => new Float64Array(1 + (i % 300)).map((_, k) => k * i),
      (i: number) => new Int16Array(40).subarray(3, 3 + (i % 30)).fill(-i), // a view: only its bytes
      (i: number) => new BigInt64Array([BigInt(i), -1n]),
      (i: number) => (i % 2 ? `s${i}` : i * 0.5),
      () => null,
      () => undefined,
      (i: number) => BigInt(i) ** 20n,
    ];
    for (let i = 0; i < 5000; i++) {
      const envelope: Envelope = { s: 1, t: i % 7, c: (i % 2) as 0 | 1, d: kinds[i % kinds.length]!(i) };
      const { written } = writer.tryWrite(envelope, i);
      assert.ok(written, `message ${i} fits an emptied ring`);
      sent.push(envelope);
      if (i % 10 === 9) reader.drain((r) => (assert.equal(r.seq, seq++), got.push(r.envelope)));
    }
    reader.drain((r) => (assert.equal(r.seq, seq++), got.push(r.envelope)));
    assert.equal(got.length, sent.length);
    assert.deepEqual(got, sent);
    assert.ok(sent.length * 64 > 4 * RING_BYTES, "the test wrapped around the ring several times");
  });

  it("wrap at every possible position: payloads of every size from 0 to 300 bytes", () => {
    const inbox = allocateInbox(2);
    const writer = new RingWriter(inbox, 1);
    const reader = new RingReader(inbox, 0, 2);
    let expected = 0;
    for (let round = 0; round < 40; round++) {
      for (let size = 0; size <= 300; size++) {
        const seq = round * 301 + size;
        const d = new Uint8Array(size).fill(seq & 0xff);
        if (!writer.tryWrite({ s: 1, t: 0, c: 0, d }, seq).written) {
          reader.drain((r) => assert.equal(r.seq, expected++));
          assert.ok(writer.tryWrite({ s: 1, t: 0, c: 0, d }, seq).written);
        }
      }
    }
    reader.drain((r) => {
      assert.equal(r.seq, expected++);
      const d = r.envelope.d as Uint8Array;
      assert.ok(d.every((b) => b === (r.seq & 0xff)));
    });
    assert.equal(expected, 40 * 301);
  });

  it("refuses a message when full and takes messages again once read; refuses shared views and objects", () => {
    const inbox = allocateInbox(2);
    const writer = new RingWriter(inbox, 0);
    const reader = new RingReader(inbox, 1, 2);
    const chunk = new Float64Array(1000); // 8 KB records
    let n = 0;
    while (writer.tryWrite({ s: 0, t: 0, c: 0, d: chunk }, n).written) n++;
    assert.ok(n >= 6 && n <= 8, `${n} records of 8 KB in a 64 KiB ring`);
    assert.equal(reader.drain(() => undefined), n);
    assert.ok(writer.tryWrite({ s: 0, t: 0, c: 0, d: chunk }, n).written);
    assert.equal(writer.tryWrite({ s: 0, t: 0, c: 0, d: new Float64Array(new SharedArrayBuffer(8)) }, 0).written, false);
    assert.equal(writer.tryWrite({ s: 0, t: 0, c: 0, d: { a: 1 } }, 0).written, false);
    assert.equal(writer.tryWrite({ s: 0, t: 0, c: 0, d: new Float64Array(RING_BYTES) }, 0).written, false);
  });

  it("asks for the doorbell only while the receiver is not polling, and once until it is answered", () => {
    const inbox = allocateInbox(3);
    const writer = new RingWriter(inbox, 0);
    const other = new RingWriter(inbox, 2);
    const reader = new RingReader(inbox, 1, 3);
    checkDoorbell(writer, other, reader);
  });

  it("keep every pair's messages in order when some take the ring and some the port", async () => {
    const [, order] = await mpirun(2, mixedOrder, { transport: "threads" });
    assert.deepEqual(order, Array.from({ length: MIXED_ORDER_COUNT }, (_, i) => i));
  });
});
