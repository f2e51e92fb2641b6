/**
 * A rank as a worker thread. Peers are reached over one MessagePort per pair (FIFO, so MPI's
 * non-overtaking order holds); reports go to the launcher over `parentPort`.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { MessagePort } from "node:worker_threads";
import { reviveFunction } from "../pool/ship";
import type { ShippedFunction } from "../pool/ship";
import { Comm } from "./comm";
import { arrayCode } from "./frames";
import type { Link } from "./link";
import type { Envelope, RankReport } from "./protocol";
import { serializeError } from "./serialize-error";

interface ThreadRankData {
  readonly rank: number;
  readonly size: number;
  readonly task: ShippedFunction;
  readonly args: unknown[];
  /** ports[j] reaches rank j (undefined at j === rank). */
  readonly ports: (MessagePort | undefined)[];
}

const data = workerData as ThreadRankData;
const port = parentPort!;

const link: Link = {
  rank: data.rank,
  size: data.size,
  watched: true,
  post(dest: number, envelope: Envelope) {
    const d = envelope.d;
    if (arrayCode(d) >= 0 && !((d as ArrayBufferView).buffer instanceof SharedArrayBuffer) && (d as ArrayBufferView).byteLength < (d as ArrayBufferView).buffer.byteLength) {
      // Structured clone would copy the view's whole ArrayBuffer (a Scatter part: all parts). Copy
      // just the view, once, and hand that copy over instead of cloning it again.
      const part = (d as unknown as { slice(): ArrayBufferView }).slice();
      data.ports[dest]!.postMessage({ ...envelope, d: part }, [part.buffer as ArrayBuffer]);
    } else {
      data.ports[dest]!.postMessage(envelope);
    }
    return undefined;
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
  attach(deliver) {
    for (const p of data.ports) p?.on("message", deliver);
  },
};

async function main(): Promise<void> {
  const comm = new Comm(link);
  try {
    const fn = reviveFunction(data.task);
    const value = await fn(comm, ...data.args);
    const { sent, received } = comm.counters();
    try {
      port.postMessage({ type: "done", value, sent, received } satisfies RankReport);
    } catch {
      // The return value could not be cloned (a function, say): report done without it.
      port.postMessage({ type: "done", value: undefined, sent, received } satisfies RankReport);
    }
  } catch (error) {
    port.postMessage({ type: "error", ...serializeError(error) } satisfies RankReport);
  }
}

void main();
