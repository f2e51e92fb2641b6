// Big arrays between processes of one host: the file lanes in /dev/shm carry payloads exactly
// through many wrap-arounds, refuse when full (the socket then takes the message) and leave no file
// behind; over real rank processes, big, huge and small messages arrive whole and in order, the
// collectives give MPI's answers, and the run leaves nothing in /dev/shm.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { mpirun } from "kernel-helpers";
import type { Comm } from "kernel-helpers";
import { LANE_BYTES, LaneReader, LaneWriter, laneFile, isSharedMemoryDir } from "kernel-helpers/dist/comm/file-lane";
import { FrameReader, writeEnvelope } from "kernel-helpers/dist/comm/frames";
import { Lanes } from "kernel-helpers/dist/comm/file-lane";
import { Spares } from "kernel-helpers/dist/comm/spares";
import type { Socket } from "node:net";
import { TRANSPORTS, leftoverRanks, mpiexecMissing, shmMissing, shmScratchDir } from "./helpers";

/** Bytes whose every position depends on the message number, so a stale or shifted read shows. */
function payload(message: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (message * 31 + i * 7) & 255;
  return bytes;
}

/**
 * Runs `fn` while noting the folders mpirun makes for its ranks (by watching the real
 * `fs.mkdtempSync`): other test files run ranks at the same time, so a listing of /dev/shm would
 * see their folders come and go.
 */
async function commDirsOf<T>(fn: () => Promise<T>): Promise<{ result: T; dirs: string[] }> {
  const original = fs.mkdtempSync;
  const dirs: string[] = [];
  (fs as { mkdtempSync: typeof fs.mkdtempSync }).mkdtempSync = ((prefix: string, options?: never) => {
    const dir = original(prefix, options) as string;
    if (/^kh-comm-\d+-$/.test(path.basename(prefix))) dirs.push(dir); // kh-comm-<launcher pid>-
    return dir;
  }) as typeof fs.mkdtempSync;
  try {
    return { result: await fn(), dirs };
  } finally {
    (fs as { mkdtempSync: typeof fs.mkdtempSync }).mkdtempSync = original;
  }
}

describe("file lanes", { skip: shmMissing }, () => {
  const dir = shmScratchDir("kh-lane-test-");

  it("are used only in /dev/shm", () => {
    assert.ok(isSharedMemoryDir(dir()));
    assert.ok(!isSharedMemoryDir(os.tmpdir()));
  });

  it("carry payloads exactly through many wrap-arounds, and the reader removes the file", () => {
    const writer = new LaneWriter(laneFile(dir(), 0, 1));
    const reader = new LaneReader(laneFile(dir(), 0, 1));
    // Sizes that are not multiples of the 64-byte alignment, totalling several rings.
    const sizes = [70_001, 3 << 20, 1_000_003, 5 << 20, 65];
    let total = 0;
    for (let m = 0; total < 4 * LANE_BYTES; m++) {
      const sent = payload(m, sizes[m % sizes.length]!);
      const slot = writer.tryWrite(sent);
      assert.ok(slot, `message ${m} fits an empty lane`);
      const got = new Uint8Array(sent.length);
      reader.read(got, slot);
      assert.deepEqual(got, sent, `message ${m}`);
      total += sent.length;
    }
    assert.ok(!fs.existsSync(laneFile(dir(), 0, 1)), "the file is unlinked once both ends hold it");
    writer.close();
    reader.close();
  });

  it("refuse a payload when full or over half a ring, and take payloads again once read", () => {
    const writer = new LaneWriter(laneFile(dir(), 2, 3));
    const reader = new LaneReader(laneFile(dir(), 2, 3));
    assert.equal(writer.tryWrite(new Uint8Array(LANE_BYTES / 2 + 1)), undefined);
    const slots = [];
    const mib = 1 << 20;
    for (let m = 0; m < 100; m++) {
      const slot = writer.tryWrite(payload(m, 3 * mib));
      if (!slot) break;
      slots.push(slot);
    }
    assert.equal(slots.length, Math.floor(LANE_BYTES / (3 * mib)), "as many as fit, and not one more");
    // Reading the oldest makes room for exactly one more; the unread ones are intact.
    const first = new Uint8Array(3 * mib);
    reader.read(first, slots[0]!);
    assert.deepEqual(first, payload(0, 3 * mib));
    const again = writer.tryWrite(payload(99, 3 * mib));
    assert.ok(again);
    assert.equal(writer.tryWrite(payload(100, 3 * mib)), undefined);
    for (let m = 1; m < slots.length; m++) {
      const got = new Uint8Array(3 * mib);
      reader.read(got, slots[m]!);
      assert.deepEqual(got, payload(m, 3 * mib), `message ${m} survived the writes after it`);
    }
    const last = new Uint8Array(3 * mib);
    reader.read(last, again);
    assert.deepEqual(last, payload(99, 3 * mib));
    writer.close();
    reader.close();
  });

  it("a lane that cannot be made or written refuses, so the socket takes over", () => {
    assert.equal(new LaneWriter(`${dir()}/no-such-folder/lane`).tryWrite(payload(0, 100_000)), undefined);
    // /dev/full fails every write with ENOSPC, like a full /dev/shm (a container's is often 64 MB).
    const full = new LaneWriter("/dev/full");
    assert.equal(full.tryWrite(payload(0, 100_000)), undefined);
    assert.equal(full.tryWrite(payload(1, 100)), undefined, "and stays refused");
    full.close();
  });

  it("a lane frame is decoded however the socket splits it, between other frames", () => {
    const sender = new Lanes(dir(), 4);
    const receiver = new Lanes(dir(), 5);
    const wire: Buffer[] = [];
    const socket = { write: (b: Buffer) => wire.push(Buffer.from(b)), cork() {}, uncork() {} } as unknown as Socket;
    const big = new Int32Array(100_000).map((_, i) => i - 50_000);
    const sent = [
      { s: 4, t: 1, c: 0 as const, d: "before" },
      { s: 4, t: 2, c: 1 as const, d: big },
      { s: 4, t: 3, c: 0 as const, d: new Float32Array([1.5, 2.5]) },
    ];
    for (const [q, e] of sent.entries()) assert.equal(writeEnvelope(socket, e, q, sender.writer(5)), undefined, "copied, nothing to await");
    const bytes = Buffer.concat(wire);
    assert.ok(bytes.length < 200, `the big array is not on the socket (${bytes.length} bytes)`);
    for (const piece of [1, 2, 5, 13, bytes.length]) {
      const got: unknown[] = [];
      const reader = new FrameReader((v) => got.push(v), { lanes: receiver, spares: new Spares() });
      for (let at = 0; at < bytes.length; at += piece) reader.push(bytes.subarray(at, at + piece));
      assert.deepEqual(got, sent.map((e, q) => ({ q, e })), `pieces of ${piece} bytes`);
    }
    sender.close();
    receiver.close();
  });
});

// Runs on every rank (shipped as source). Rank 0 sends a stream that outruns rank 1 (which starts
// late), so the lane fills and some big messages take the socket; sizes span the frame copy, the
// lane and the "too big for a lane" socket path.
async function bigMessages(comm: Comm) {
  const sizes = [10, 9_000, 131_072, 1 << 20, (17 << 20) / 8]; // elements: 80 B … 17 MiB
  const fill = (m: number, n: number) => {
    const a = new Float64Array(n);
    for (let i = 0; i < n; i += 997) a[i] = m * 1e6 + i;
    a[n - 1] = -m;
    return a;
  };
  const M = 25;
  if (comm.rank === 0) {
    for (let m = 0; m < M; m++) {
      if (m % 7 === 3) await comm.send({ m }, 1, 5);
      else await comm.Send(fill(m, sizes[m % sizes.length]!), 1, 5);
    }
  }
  const bad: string[] = [];
  if (comm.rank === 1) {
    await new Promise((r) => setTimeout(r, 500));
    for (let m = 0; m < M; m++) {
      if (m % 7 === 3) {
        const got = (await comm.recv(0, 5)) as { m: number };
        if (got.m !== m) bad.push(`message ${m}: got object ${got.m}`);
        continue;
      }
      const n = sizes[m % sizes.length]!;
      const buf = new Float64Array(n);
      await comm.Recv(buf, 0, 5);
      const want = fill(m, n);
      for (let i = 0; i < n; i += 997) if (buf[i] !== want[i]) bad.push(`message ${m}[${i}]: ${buf[i]} != ${want[i]}`);
      if (buf[n - 1] !== -m) bad.push(`message ${m} ends with ${buf[n - 1]}`);
    }
  }
  // Collectives over big buffers on every rank.
  const n = 1 << 20;
  const mine = new Float64Array(n).fill(comm.rank + 1);
  const sum = new Float64Array(n);
  for (let r = 0; r < 3; r++) await comm.Allreduce(mine, sum);
  const expected = (comm.size * (comm.size + 1)) / 2;
  if (sum[0] !== expected || sum[n - 1] !== expected) bad.push(`Allreduce gave ${sum[0]}…${sum[n - 1]}, expected ${expected}`);
  const b = comm.rank === 0 ? new Float64Array(n).map((_, i) => i) : new Float64Array(n);
  await comm.Bcast(b, 0);
  if (b[n - 1] !== n - 1) bad.push(`Bcast gave ${b[n - 1]}`);
  return bad;
}

describe("big arrays", () => {
  for (const transport of TRANSPORTS) {
    it(`arrive whole and in order over ${transport}, past the lanes' capacity, with big collectives`, { skip: transport === "mpiexec" ? mpiexecMissing : undefined }, async () => {
      const { result, dirs } = await commDirsOf(() => mpirun(3, bigMessages, { transport, timeoutMs: 120_000 }));
      assert.deepEqual(result as string[][], [[], [], []]);
      for (const dir of dirs) assert.ok(!fs.existsSync(dir), `${dir} is removed after the run`);
      if (transport === "processes" && !shmMissing) assert.equal(dirs.length, 1, "the processes run made its folder in /dev/shm");
      assert.deepEqual(leftoverRanks(), []);
    });
  }
});
