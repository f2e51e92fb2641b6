/**
 * The coordinator of the TCP transports: ranks say hello (rank, listening port), it answers with
 * every rank's address once all are in, then it feeds their reports to a `RunMonitor` and, when
 * the run fails (error, abort, deadlock, timeout), tells every rank to exit.
 *
 * It runs in the launcher (`mpirun(..., { transport: "processes" })`, `npx kernel-helpers mpirun`)
 * or, under a bare `mpiexec` with no launcher, inside rank 0.
 */
import net from "node:net";
import { onFrames, writeFrame } from "./frames";
import { RunMonitor } from "./monitor";
import type { CoordinatorMessage, Hello, PeerAddress, RankReport } from "./protocol";

export interface TcpCoordinatorOptions {
  readonly size: number;
  /** @default "127.0.0.1" */
  readonly bindHost?: string;
  /** Sent to every rank with the peer table (the shipped function in function mode). */
  readonly task?: unknown;
  readonly deadlockDetection: boolean;
  readonly timeoutMs?: number;
  /** A rank's connection closed before it reported done. @default reports the rank as failed */
  readonly onDisconnect?: (rank: number) => void;
  /**
   * Whether ranks print why they were stopped and exit with code 1. A launcher that reports the
   * error itself says false: ranks then exit quietly with 0, so mpiexec adds no banner of its own.
   * @default true
   */
  readonly ranksExplain?: boolean;
}

export class TcpCoordinator {
  readonly monitor: RunMonitor;
  private readonly server: net.Server;
  private readonly sockets: (net.Socket | undefined)[];
  private readonly finished = new Set<number>();
  private refed = true;

  private constructor(server: net.Server, private readonly options: TcpCoordinatorOptions) {
    this.server = server;
    this.sockets = new Array(options.size);
    this.monitor = new RunMonitor(options.size, { deadlockDetection: options.deadlockDetection, timeoutMs: options.timeoutMs });
    this.monitor.result.then(
      () => this.close(),
      (error: Error) => this.stopAll(error.message),
    );
  }

  static async start(options: TcpCoordinatorOptions): Promise<TcpCoordinator> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, options.bindHost ?? "127.0.0.1", () => resolve());
    });
    const c = new TcpCoordinator(server, options);
    c.accept();
    return c;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Tells every connected rank to exit with code 1, printing `reason`, and closes. */
  stopAll(reason: string): void {
    for (const s of this.sockets) {
      if (s && !s.destroyed) {
        const explain = this.options.ranksExplain ?? true;
        writeFrame(s, { type: "exit", code: explain ? 1 : 0, reason: explain ? reason : "" } satisfies CoordinatorMessage);
        s.end();
      }
    }
    this.close();
  }

  /**
   * Whether the coordinator keeps its process alive. Inside rank 0 it must not until rank 0's own
   * program has ended (and reported done), then it must until every rank has.
   */
  setRef(active: boolean): void {
    this.refed = active;
    this.monitor.refTimers(active);
    for (const t of [this.server, ...this.sockets]) if (t) active ? t.ref() : t.unref();
  }

  close(): void {
    this.server.close();
    for (const s of this.sockets) s?.unref();
  }

  private accept(): void {
    const addresses: PeerAddress[] = new Array(this.options.size);
    let hellos = 0;
    this.server.on("connection", (socket) => {
      socket.setNoDelay(true);
      if (!this.refed) socket.unref();
      socket.on("error", () => {});
      let rank = -1;
      onFrames(socket, (value) => {
        if (rank < 0) {
          const hello = value as Hello;
          rank = hello.rank;
          this.sockets[rank] = socket;
          const host = (socket.remoteAddress ?? "127.0.0.1").replace(/^::ffff:/, "");
          addresses[rank] = hello.path ? { host, port: 0, path: hello.path } : { host, port: hello.port };
          if (++hellos === this.options.size) {
            const message: CoordinatorMessage = { type: "peers", addresses, task: this.options.task, deadlockDetection: this.options.deadlockDetection };
            for (const s of this.sockets) writeFrame(s!, message);
          }
          return;
        }
        const report = value as RankReport;
        if (report.type === "done") this.finished.add(rank);
        this.monitor.report(rank, report);
      });
      socket.on("close", () => {
        if (rank < 0 || this.finished.has(rank) || this.monitor.done) return;
        if (this.options.onDisconnect) this.options.onDisconnect(rank);
        else this.monitor.exited(rank, "its connection closed before it finished (did the process crash or call process.exit?)");
      });
    });
  }
}
