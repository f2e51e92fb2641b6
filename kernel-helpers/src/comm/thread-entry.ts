/**
 * A rank as a worker thread. Small messages go through shared-memory rings that a blocked receiver
 * polls (see shm-ring.ts); others over one MessagePort per pair. Both carry a per-pair sequence
 * number and are delivered in sequence, so MPI's non-overtaking order holds. Reports go to the
 * launcher over `parentPort`.
 */
import os from "node:os";
import { performance } from "node:perf_hooks";
import { parentPort, receiveMessageOnPort, workerData } from "node:worker_threads";
import type { MessagePort } from "node:worker_threads";
import { Comm } from "./comm";
import { arrayCode } from "./frames";
import type { Link } from "./link";
import type { Envelope, RankReport } from "./protocol";
import { reviveRankTask, unsendableResult, type RankTask } from "./rank-task";
import { serializeError } from "../ship/serialize-error";
import { POLL_MS, RingReader, RingWriter, type InboxMemory, type RingRecord } from "./shm-ring";
import { SendCounter, Sequencer, type Sequenced } from "./sequencer";
import { Spares } from "./spares";

interface ThreadRankData {
  readonly rank: number;
  readonly size: number;
  readonly task: RankTask;
  /** ports[j] reaches rank j (undefined at j === rank). */
  readonly ports: (MessagePort | undefined)[];
  /** inboxes[j] is rank j's shared-memory inbox; absent when the world is too big for rings. */
  readonly inboxes?: InboxMemory[];
}

/** A port message: an envelope and its sequence number, or the doorbell (the ring has news). */
type PortMessage = Sequenced | typeof DOORBELL;
const DOORBELL = 0;

/** Ports are checked once every this many ring polls, to keep the polling loop to a few atomic loads. */
const PORT_CHECK_EVERY = 32;

/** Arrays the communicator is done with, reused as the copies that big sends transfer. */
const spares = new Spares();

const data = workerData as ThreadRankData;
const port = parentPort!;
const peers = data.ports.flatMap((p) => (p ? [p] : []));
const writers = data.inboxes?.map((inbox, j) => (j === data.rank ? undefined : new RingWriter(inbox, data.rank)));
const reader = data.inboxes && new RingReader(data.inboxes[data.rank]!, data.rank, data.size);
const pollMs = data.size <= os.availableParallelism() ? POLL_MS : 0;
const sendSeq = new SendCounter(data.size);
let deliver: (envelope: Envelope) => void = () => {};
const sequencer = new Sequencer(data.size, (envelope) => deliver(envelope));
const accept = (seq: number, envelope: Envelope): void => sequencer.accept(seq, envelope);

// One callback for every drain: poll() drains in a tight loop, and a closure made per call was most
// of what a waiting rank allocated (a scavenge every 5 ms, whose pause made the peer's poll time out).
const onRecord = (record: RingRecord): void => accept(record.seq, record.envelope);
const drain = (): number => reader?.drain(onRecord) ?? 0;

function onPortMessage(message: PortMessage): void {
  if (message === DOORBELL) reader?.answerDoorbell();
  drain(); // records written before this message may still sit in the ring
  if (message !== DOORBELL) accept(message.q, message.e);
}

/** Polls rings (and now and then ports) until `done()` or the polling time is up. */
function poll(done: () => boolean): void {
  if (!reader || pollMs === 0) return;
  reader.setPolling(true);
  try {
    const deadline = performance.now() + pollMs;
    for (let i = 1; ; i++) {
      drain();
      if (done()) return;
      if (i % PORT_CHECK_EVERY === 0) {
        for (const p of peers) {
          const m = receiveMessageOnPort(p);
          if (m) onPortMessage(m.message as PortMessage);
        }
        if (done() || performance.now() > deadline) return;
      }
    }
  } finally {
    // Then look once more: a sender that saw us polling rang no doorbell (see shm-ring.ts).
    reader.setPolling(false);
    drain();
  }
}


/** Sends message `seq` to `dest`: through the ring when it fits, else over the port. */
function postNumbered(dest: number, envelope: Envelope, seq: number): Promise<void> | undefined {
  const writer = writers?.[dest];
  if (writer) {
    const { written, wake } = writer.tryWrite(envelope, seq);
    if (written) {
      if (wake) data.ports[dest]!.postMessage(DOORBELL);
      return undefined;
    }
  }
  const d = envelope.d;
  if (arrayCode(d) >= 0 && !((d as ArrayBufferView).buffer instanceof SharedArrayBuffer)) {
    // Structured clone copies an array twice (into the message, out of it) and a view's whole
    // ArrayBuffer (a Scatter part: all parts). Copy just the view, once, and transfer the copy,
    // into recycled memory when there is some (fresh megabytes cost page faults and zeroing).
    const view = d as ArrayBufferView;
    const Ctor = view.constructor as new (buffer: ArrayBuffer) => ArrayBufferView & { set(a: ArrayBufferView): void };
    const part = new Ctor(spares.take(view.byteLength));
    part.set(view);
    data.ports[dest]!.postMessage({ q: seq, e: { ...envelope, d: part } }, [part.buffer as ArrayBuffer]);
  } else {
    data.ports[dest]!.postMessage({ q: seq, e: envelope });
  }
  return undefined;
}

const link: Link = {
  rank: data.rank,
  size: data.size,
  watched: true,
  post(dest: number, envelope: Envelope) {
    const seq = sendSeq.take(dest);
    try {
      return postNumbered(dest, envelope, seq);
    } catch (error) {
      sendSeq.untake(dest); // nothing went out: the receiver must not wait for this number
      throw error;
    }
  },
  report(report: RankReport) {
    port.postMessage(report);
  },
  hold() {
    // The MessagePorts keep the thread alive.
  },
  abort(code: number) {
    port.postMessage({ type: "abort", code } satisfies RankReport);
    return new Promise<never>(() => {});
  },
  recycle(array: ArrayBufferView) {
    spares.give(array);
  },
  attach(onEnvelope) {
    deliver = onEnvelope;
    for (const p of peers) p.on("message", onPortMessage);
  },
  poll,
};

async function main(): Promise<void> {
  const comm = new Comm(link);
  try {
    const { fn, args } = reviveRankTask(data.task);
    const value = await fn(comm, ...args);
    const counters = comm.counters();
    try {
      port.postMessage({ type: "done", value, ...counters } satisfies RankReport);
    } catch (error) {
      // Not silently undefined: say which value could not travel back.
      port.postMessage(unsendableResult(value, error) satisfies RankReport);
    }
  } catch (error) {
    port.postMessage({ type: "error", ...serializeError(error) } satisfies RankReport);
  }
}

void main();
