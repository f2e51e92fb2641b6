/**
 * The link under `Comm.world()`: the program's transport, from its environment (see
 * `environment.ts`). With no launcher it is a world of one rank, as with MPI's singleton start.
 * It knows nothing of `Comm` (comm.ts builds the communicator on it), so the two never import
 * each other.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { settlesWithin } from "../base/deadline";
import { jobKey, parseAddress, rankEnvironment } from "./environment";
import { CommSetupError } from "./errors";
import { publicHost } from "./host";
import type { Link } from "./link";
import type { CollectiveSummary } from "./protocol";
import { connectRank } from "./tcp-link";
import { TcpCoordinator } from "./tcp-coordinator";

/** What the communicator reports when the program ends. */
export type FinalCounters = () => { sent: number; received: number; collectives?: CollectiveSummary };

export interface WorldLink {
  readonly link: Link;
  /** Gives the communicator's counters, sent with `done` when the program ends (MPI_Finalize). */
  onFinalize(counters: FinalCounters): void;
}

function singletonLink(): Link {
  return {
    rank: 0,
    size: 1,
    watched: false,
    post() {
      return undefined;
    },
    report() {},
    hold() {},
    abort(code) {
      process.exit(code);
    },
    attach() {},
  };
}

async function readAddressFile(file: string, timeoutMs: number): Promise<{ host: string; port: number }> {
  let address: { host: string; port: number } | undefined;
  let stop = false;
  const poll = (async () => {
    while (!stop) {
      try {
        address = JSON.parse(fs.readFileSync(file, "utf8")) as { host: string; port: number };
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  })();
  const found = await settlesWithin(poll, timeoutMs);
  stop = true;
  if (!found || !address) throw new CommSetupError(`rank 0 did not publish its coordinator address in ${file} within ${timeoutMs} ms (ranks on other machines need a shared KH_COMM_DIR, or KH_COMM_COORD from the launcher)`);
  return address;
}

/** The program's link; call once (Comm.world caches the communicator). */
export async function worldLink(): Promise<WorldLink> {
  const env = rankEnvironment();
  if (!env) return { link: singletonLink(), onFinalize() {} };
  let coordinator: { host: string; port: number };
  let hosted: TcpCoordinator | undefined;
  if (process.env.KH_COMM_COORD) {
    coordinator = parseAddress(process.env.KH_COMM_COORD);
  } else {
    // A bare `mpiexec -n N node prog.js`: rank 0 coordinates and publishes where.
    // Open MPI's per-job session folder is unique to this mpiexec and removed after it, so no
    // stale address from an earlier job can be read; elsewhere the temp folder (or KH_COMM_DIR).
    const dir = process.env.KH_COMM_DIR ?? process.env.OMPI_MCA_orte_jobfam_session_dir ?? os.tmpdir();
    const file = path.join(dir, `kernel-helpers-comm-${jobKey()}.json`);
    if (env.rank === 0) {
      const timeoutMs = Number(process.env.KH_COMM_TIMEOUT_MS ?? 600_000);
      const c = await TcpCoordinator.start({ size: env.size, bindHost: "0.0.0.0", deadlockDetection: true, timeoutMs });
      coordinator = { host: env.size > 1 ? publicHost() : "127.0.0.1", port: c.port };
      const tmp = `${file}.${process.pid}`;
      fs.writeFileSync(tmp, JSON.stringify(coordinator));
      fs.renameSync(tmp, file);
      void c.monitor.result.catch(() => {}).finally(() => fs.rmSync(file, { force: true }));
      c.setRef(false);
      hosted = c;
    } else {
      coordinator = await readAddressFile(file, 30_000);
    }
  }
  const tcp = await connectRank({ rank: env.rank, size: env.size, coordinator, bindHost: process.env.KH_COMM_BIND });
  return {
    link: tcp.link,
    onFinalize(counters) {
      let finalized = false;
      // MPI_Finalize at the end of the program, as mpi4py does at exit.
      process.on("beforeExit", () => {
        if (finalized) return;
        finalized = true;
        tcp.finalize(undefined, counters());
        // Rank 0's program is over, but as coordinator it stays until every rank is.
        if (hosted && !hosted.monitor.done) hosted.setRef(true);
      });
    },
  };
}
