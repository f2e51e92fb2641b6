// The piscina worker file of ThreadPool (loaded from dist/ by filename).
import Piscina from "piscina";
import { threadId } from "node:worker_threads";
import type { Job, JobReply, WireJob, WorkerSetup } from "./protocol";
import { collectTransferables, decodeJob, encodeReply, RETIRED_EXIT_CODE } from "./protocol";
import { holdsUncloneable, TaskRunner } from "./task-runner";

const runner = new TaskRunner(Piscina.workerData as WorkerSetup, threadId);

// Not async: piscina awaits whatever this returns, and a synchronous job then costs no extra promise.
function handle(wire: WireJob): unknown {
  const job = decodeJob(wire);
  // A retired worker exits; a job piscina handed it meanwhile fails with RETIRED_EXIT_CODE and
  // the pool runs it again on a fresh worker.
  if (runner.retiring) return new Promise<never>(() => undefined);
  const reply = runner.run(job);
  return reply instanceof Promise ? reply.then((done) => answer(job, done)) : answer(job, reply);
}

function answer(job: Job, done: JobReply): unknown {
  // piscina would reject with a bare {} for a result it cannot post: find and name the value first.
  const reply = holdsUncloneable(done) ? runner.uncloneable(done) : done;
  const encoded = encodeReply(reply, job);
  if (runner.retiring) setImmediate(() => process.exit(RETIRED_EXIT_CODE));
  if (reply.ok && reply.results instanceof Float64Array) {
    // Packed numbers: this buffer is ours alone, move it.
    const buffers = [reply.results.buffer as ArrayBuffer];
    return Piscina.move({ [Piscina.transferableSymbol]: buffers, [Piscina.valueSymbol]: encoded } as never);
  }
  if (reply.ok && job.transferResults) {
    const buffers = collectTransferables(reply.results as unknown[], 0);
    // piscina's "movable" protocol: transfer these buffers, deliver this value.
    if (buffers.length > 0) return Piscina.move({ [Piscina.transferableSymbol]: buffers, [Piscina.valueSymbol]: encoded } as never);
  }
  return encoded;
}

export = handle;
