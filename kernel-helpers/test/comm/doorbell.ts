// The doorbell contract both kinds of ring keep, the threads' shared-memory rings (shm-ring.ts) and
// the processes' file rings (file-ring.ts): one check, so the two cannot drift apart.
import assert from "node:assert/strict";
import type { Envelope } from "kernel-helpers/dist/comm/protocol";
import type { RingRecord } from "kernel-helpers/dist/comm/shm-ring";

interface DoorbellWriter {
  tryWrite(envelope: Envelope, seq: number): { wake: boolean };
}

interface DoorbellReader {
  setPolling(polling: boolean): void;
  answerDoorbell(): void;
  drain(onRecord: (record: RingRecord) => void): number;
}

/**
 * Sends messages 1 to 5 from `writer` and `other` into `reader`'s inbox and checks that a writer asks
 * for the doorbell only while the receiver is not polling, and once until it is answered. Ends with
 * the receiver not polling and the doorbell for message 5 on its way.
 */
export function checkDoorbell(writer: DoorbellWriter, other: DoorbellWriter, reader: DoorbellReader): void {
  const send = (w: DoorbellWriter, d: number) => w.tryWrite({ s: 0, t: 0, c: 0, d }, d).wake;
  assert.equal(send(writer, 1), true);
  assert.equal(send(writer, 2), false, "a doorbell is already on its way");
  assert.equal(send(other, 3), false, "whichever sender rang it");
  reader.answerDoorbell();
  const seen: unknown[] = [];
  reader.drain((r) => seen.push(r.envelope.d));
  assert.deepEqual(seen.sort(), [1, 2, 3], "the one doorbell's drain takes every sender's records");
  reader.setPolling(true);
  assert.equal(send(writer, 4), false);
  reader.setPolling(false);
  assert.equal(send(writer, 5), true);
}
