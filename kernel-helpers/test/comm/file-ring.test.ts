// The processes' file rings in /dev/shm: records (typed arrays and any v8 value) survive many
// wrap-arounds exactly and in sequence, a full ring refuses (the socket then takes the message),
// markers reach the marker callback and are not messages, the doorbell is asked for only while the
// receiver is not polling; and over real rank processes, messages that take ring, socket and lane
// arrive in the order they were sent.
import assert from "node:assert/strict";
import fs from "node:fs";
import { describe, it } from "node:test";
import { mpirun } from "kernel-helpers";
import { FileInbox, FileRingWriter } from "kernel-helpers/dist/comm/file-ring";
import { RING_BYTES, type RingRecord } from "kernel-helpers/dist/comm/shm-ring";
import type { Envelope } from "kernel-helpers/dist/comm/protocol";
import { checkDoorbell } from "./doorbell";
import { MIXED_ORDER_COUNT, leftoverRanks, mixedOrder, shmMissing, shmScratchDir } from "./helpers";

describe("file rings", { skip: shmMissing }, () => {
  const dir = shmScratchDir("kh-ring-test-");

  it("carry typed arrays and any v8 value through many wrap-arounds, exactly and in sequence", () => {
    const inbox = new FileInbox(dir(), 0, 3);
    const writer = FileRingWriter.forPeer(dir(), 2, 0, 3);
    const kinds = [
      (i: number) => new Uint8Array(1 + (i % 13)).fill(i & 0xff),
      (i: number) => new Float64Array(1 + (i % 300)).map((_, k) => k * i),
      (i: number) => new Int16Array(40).subarray(3, 3 + (i % 30)).fill(-i),
      (i: number) => ({ i, tags: [i % 3, "x"], when: new Date(i) }),
      (i: number) => new Map([[i, new Set([i])]]),
      (i: number) => (i % 2 ? `s${i}` : i * 0.5),
      () => null,
    ];
    const sent: Envelope[] = [];
    const got: RingRecord[] = [];
    for (let i = 0; i < 4000; i++) {
      const envelope: Envelope = { s: 2, t: i % 7, c: (i % 2) as 0 | 1, d: kinds[i % kinds.length]!(i) };
      assert.ok(writer.tryWrite(envelope, i).written, `message ${i} fits a drained ring`);
      sent.push(envelope);
      if (i % 10 === 9) inbox.drain((r) => got.push(r));
    }
    inbox.drain((r) => got.push(r));
    assert.deepEqual(got.map((r) => r.seq), sent.map((_, i) => i));
    assert.deepEqual(got.map((r) => r.envelope), sent);
    assert.ok(sent.length * 100 > 4 * RING_BYTES, "the test wrapped around the ring several times");
    inbox.close();
    writer.close();
  });

  it("refuses when full and takes messages again once drained; markers are not messages", () => {
    const inbox = new FileInbox(dir(), 1, 2);
    const writer = FileRingWriter.forPeer(dir(), 0, 1, 2);
    const chunk = new Float64Array(1000); // 8 KB records
    let n = 0;
    while (n < 100 && writer.tryWrite({ s: 0, t: 0, c: 0, d: chunk }, n).written) n++;
    assert.ok(n >= 6 && n <= 8, `${n} records of 8 KB in a 64 KiB ring`);
    assert.equal(writer.tryWrite({ s: 0, t: 0, c: 0, d: new Float64Array(RING_BYTES) }, n).written, false, "too big for any ring");
    const markers: number[] = [];
    assert.equal(inbox.drain(() => undefined, (seq) => markers.push(seq)), n);
    assert.ok(writer.mark(n));
    assert.ok(writer.tryWrite({ s: 0, t: 0, c: 0, d: "after" }, n + 1).written);
    const after: unknown[] = [];
    assert.equal(inbox.drain((r) => after.push(r.envelope.d), (seq, sender) => markers.push(seq * 10 + sender)), 1);
    assert.deepEqual(markers, [n * 10]);
    assert.deepEqual(after, ["after"]);
    inbox.close();
    writer.close();
  });

  it("asks for the doorbell only while the receiver is not polling, and once until it is answered", () => {
    const inbox = new FileInbox(dir(), 1, 3);
    const writer = FileRingWriter.forPeer(dir(), 0, 1, 3);
    const other = FileRingWriter.forPeer(dir(), 2, 1, 3);
    checkDoorbell(writer, other, inbox);
    // A marker rings nothing (its socket frame wakes the receiver), so it must leave no doorbell
    // "on its way" behind: once the last one is answered, the next message to a receiver that is
    // not polling still rings.
    inbox.answerDoorbell();
    inbox.drain(() => undefined);
    assert.ok(writer.mark(6));
    assert.equal(writer.tryWrite({ s: 0, t: 0, c: 0, d: 7 }, 7).wake, true);
    inbox.close();
    writer.close();
    other.close();
  });

  it("a writer whose inbox is missing or full refuses from then on, so the socket takes over", () => {
    const missing = new FileRingWriter(`${dir()}/no-such-inbox`, 0, 2);
    assert.equal(missing.tryWrite({ s: 0, t: 0, c: 0, d: 1 }, 0).written, false);
    // /dev/full: opens, reads zeros, and fails every write with ENOSPC, like a full /dev/shm.
    const full = new FileRingWriter("/dev/full", 0, 2);
    assert.equal(full.tryWrite({ s: 0, t: 0, c: 0, d: 1 }, 0).written, false);
    assert.equal(full.mark(1), false);
    full.close();
  });

  // Self-contained: shipped to each rank as source.
  async function testLoopAfterReceive(comm: import("kernel-helpers").Comm) {
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    if (comm.rank === 0) {
      await comm.send("first", 1, 1);
      await sleep(300); // rank 1 is in its test() loop by now, waiting on timers
      await comm.send("second", 1, 2);
      return null;
    }
    const first = await comm.recv(0, 1); // a blocking receive that polls and finds its message
    const req = comm.irecv(0, 2);
    for (let i = 0; i < 400; i++) {
      const [done, value] = req.test();
      if (done) return [first, value];
      await sleep(5);
    }
    return [first, "never came"];
  }

  it("a rank that waits on its event loop after a receive is woken by the next message", async () => {
    // After a successful poll a rank stays flagged as polling until it next yields; were the flag
    // left up while it sleeps, writers would ring no doorbell and test() would never see "second".
    const [, got] = await mpirun(2, testLoopAfterReceive, { transport: "processes" });
    assert.deepEqual(got, ["first", "second"]);
  });

  // Self-contained: shipped to each rank as source.
  async function smallAfterBig(comm: import("kernel-helpers").Comm) {
    if (comm.rank === 1) {
      await comm.Send(new Float64Array(100_000).fill(7), 0, 1); // by lane and socket, with a marker
      const until = Date.now() + 300;
      while (Date.now() < until); // busy: rank 0 gives up polling and sleeps on its event loop
      await comm.send("small", 0, 2); // by ring: only a doorbell can wake rank 0 now
      return null;
    }
    await new Promise((r) => setTimeout(r, 100)); // not polling while the big one and its marker come
    const big = new Float64Array(100_000);
    await comm.Recv(big, 1, 1);
    return [big[99_999], await comm.recv(1, 2)];
  }

  it("a receiver sleeping on its event loop is woken for a small message that follows a big one", async () => {
    // A marker must not leave a doorbell "on its way" that was never rung (a hang the mpi bench found).
    const [got] = await mpirun(2, smallAfterBig, { transport: "processes", timeoutMs: 10_000 });
    assert.deepEqual(got, [7, "small"]);
  });

  it("keep every pair's messages in order over processes when some take the ring and some the socket", async () => {
    const [, order] = await mpirun(2, mixedOrder, { transport: "processes" });
    assert.deepEqual(order, Array.from({ length: MIXED_ORDER_COUNT }, (_, i) => i));
    assert.deepEqual(leftoverRanks(), []);
  });
});
