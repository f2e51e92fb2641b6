/**
 * A rank as a child process in function mode (`mpirun(n, fn, { transport: "processes" | "mpiexec" })`):
 * it connects like any program (see `world.ts`), receives the shipped function from the coordinator,
 * runs it and reports its value or its error.
 */
import { Comm } from "./comm";
import { parseAddress, rankEnvironment } from "./environment";
import { CommSetupError } from "./errors";
import { serializeError } from "../ship/serialize-error";
import { reviveRankTask, unsendableResult, type RankTask } from "./rank-task";
import { connectRank } from "./tcp-link";

async function main(): Promise<void> {
  const env = rankEnvironment();
  if (!env || !process.env.KH_COMM_COORD) throw new CommSetupError("process-entry runs only under mpirun (no KH_COMM_COORD / rank in the environment)");
  const tcp = await connectRank({ rank: env.rank, size: env.size, coordinator: parseAddress(process.env.KH_COMM_COORD), bindHost: process.env.KH_COMM_BIND });
  const comm = new Comm(tcp.link);
  try {
    const { fn, args } = reviveRankTask(tcp.task as RankTask);
    const value = await fn(comm, ...args);
    try {
      tcp.finalize(value, comm.counters());
    } catch (error) {
      tcp.link.hold(true);
      tcp.link.report(unsendableResult(value, error));
    }
  } catch (error) {
    // The coordinator answers with "exit" and stops everyone; hold the sockets until then.
    tcp.link.hold(true);
    tcp.link.report({ type: "error", ...serializeError(error) });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
