// The child-process entry of ProcessPool (forked from dist/ with advanced serialization).
import { Worker } from "node:worker_threads";
import type { JobReply, WireJob, WorkerSetup } from "./protocol";
import { decodeJob, encodeReply } from "./protocol";
import { TaskRunner } from "./task-runner";

type ParentMessage = { __kh: "setup"; setup: WorkerSetup } | { __kh: "job"; id: number; job: WireJob };

let runner: TaskRunner | undefined;
const send = process.send!.bind(process);

process.on("message", (message: ParentMessage) => {
  if (message?.__kh === "setup") runner = new TaskRunner(message.setup, process.pid);
  else if (message?.__kh === "job") {
    const job = decodeJob(message.job);
    const reply = runner!.run(job);
    const answer = (done: JobReply) => {
      // process.send throws on a value it cannot serialize: answer with the error that names it.
      try {
        send({ __kh: "reply", id: message.id, reply: encodeReply(done, job) });
      } catch (error) {
        send({ __kh: "reply", id: message.id, reply: encodeReply(runner!.uncloneable(done, error), job) });
      }
    };
    if (reply instanceof Promise) void reply.then(answer);
    else answer(reply);
  }
});

// No orphans: when the parent dies (kernel restart, kill -9) the IPC channel closes and an idle
// child exits at once. A child busy in a long synchronous task never sees that event, so a watchdog
// thread (its own event loop) checks the parent pid and kills the process when it changes.
process.on("disconnect", () => process.exit(0));
new Worker(
  `const parent = ${process.ppid};
   setInterval(() => { if (process.ppid !== parent) process.kill(process.pid, "SIGKILL"); }, 500);`,
  { eval: true, resourceLimits: { maxOldGenerationSizeMb: 8 } },
).unref();
