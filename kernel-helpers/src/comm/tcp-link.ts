/**
 * A rank's side of the TCP transports (processes, mpiexec): it says hello to the coordinator, learns
 * where its peers listen, and connects one socket per pair of ranks (FIFO, so MPI's non-overtaking
 * order holds). The lower rank accepts, the higher one connects.
 *
 * Sockets are unref'd, so a program ends when its own work ends; while a receive is posted the
 * communicator asks the link to `hold` them, so an awaited `recv` keeps the process alive.
 */
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { withDeadline } from "../base/deadline";
import { dieWithParent } from "../base/parent-watch";
import { CommSetupError } from "./errors";
import { Lanes, isSharedMemoryDir } from "./file-lane";
import { onFrames, writeEnvelope, writeFrame, type LaneSources } from "./frames";
import type { Link } from "./link";
import { LocalRings } from "./local-rings";
import { isRunFolder } from "./run-folder";
import type { CollectiveSummary, CoordinatorMessage, Envelope, Hello, PeerAddress, RankReport } from "./protocol";
import { SendCounter, Sequencer, type Sequenced } from "./sequencer";
import { Spares } from "./spares";

/** A frame that only says "your inbox has news". */
const DOORBELL = 0;

export interface TcpRankOptions {
  readonly rank: number;
  readonly size: number;
  readonly coordinator: { host: string; port: number };
  /**
   * The address this rank listens on for its peers, or `unix:DIR` for a Unix socket in DIR (ranks
   * on one host: about twice TCP loopback's speed here; in /dev/shm, big arrays also take file
   * lanes there). @default "0.0.0.0"
   */
  readonly bindHost?: string;
  /** Give up connecting after this long. @default 30000 */
  readonly connectTimeoutMs?: number;
}

export interface TcpRank {
  readonly link: Link;
  /** What the coordinator sent along: the shipped function in function mode. */
  readonly task: unknown;
  /** Sends `done` and closes every socket (the end of a program). */
  finalize(value: unknown, counters: { sent: number; received: number; collectives?: CollectiveSummary }): void;
}

function connect(address: PeerAddress, timeoutMs: number, what: string): Promise<net.Socket> {
  const socket = address.path ? net.connect({ path: address.path }) : net.connect({ host: address.host, port: address.port });
  const where = address.path ?? `${address.host}:${address.port}`;
  const connected = new Promise<net.Socket>((resolve, reject) => {
    socket.once("connect", () => {
      socket.setNoDelay(true);
      resolve(socket);
    });
    socket.once("error", (error) => reject(new CommSetupError(`could not connect to ${what} at ${where}: ${error.message}`, { cause: error })));
  });
  connected.catch(() => {});
  return withDeadline(connected, timeoutMs, () => {
    socket.destroy();
    return new CommSetupError(`could not connect to ${what} at ${where} within ${timeoutMs} ms`);
  });
}

export async function connectRank(options: TcpRankOptions): Promise<TcpRank> {
  const { rank, size } = options;
  const timeoutMs = options.connectTimeoutMs ?? 30_000;
  const peers: (net.Socket | undefined)[] = new Array(size);
  let deliver: (e: Envelope) => void = () => {};
  const early: Envelope[] = [];
  let attached = false;
  const onEnvelope = (e: Envelope) => (attached ? deliver(e) : early.push(e));
  const sendSeq = new SendCounter(size);
  const sequencer = new Sequencer(size, onEnvelope);
  const unixDir = options.bindHost?.startsWith("unix:") ? options.bindHost.slice("unix:".length) : undefined;
  // Ranks of one host with /dev/shm: big arrays through file lanes, small messages through file
  // rings that a blocked receive polls (file-lane.ts, file-ring.ts); the socket carries the rest.
  const local = unixDir !== undefined && isSharedMemoryDir(unixDir) ? unixDir : undefined;
  const lanes: LaneSources | undefined = local ? { lanes: new Lanes(local, rank), spares: new Spares() } : undefined;
  // Made before the hello, so the inbox exists before any peer learns where we are.
  const rings = local ? LocalRings.open(local, rank, size, (seq, e) => sequencer.accept(seq, e)) : undefined;
  const onPeerFrame = (value: unknown): void => {
    if (value === DOORBELL) rings?.answerDoorbell();
    rings?.drain(); // records written before this frame may still sit in the inbox
    if (value !== DOORBELL) sequencer.accept((value as Sequenced).q, (value as Sequenced).e);
  };

  // Peers with a higher rank connect to us; their first frame says who they are.
  const server = net.createServer();
  let accepted = 0;
  let allAccepted!: () => void;
  const acceptedAll = new Promise<void>((resolve) => (allAccepted = resolve));
  const expected = size - 1 - rank;
  if (expected === 0) allAccepted();
  server.on("connection", (socket) => {
    socket.setNoDelay(true);
    let peer = -1;
    onFrames(socket, (value) => {
      if (peer < 0) {
        peer = (value as { rank: number }).rank;
        peers[peer] = socket;
        if (++accepted === expected) allAccepted();
      } else {
        onPeerFrame(value);
      }
    }, lanes);
    socket.on("error", () => {});
  });
  const socketPath = unixDir === undefined ? undefined : path.join(unixDir, `rank-${rank}.sock`);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    if (socketPath) server.listen(socketPath, () => resolve());
    else server.listen(0, options.bindHost ?? "0.0.0.0", () => resolve());
  });
  const port = socketPath ? 0 : (server.address() as net.AddressInfo).port;

  // No orphans: a rank dies with its launcher, whatever killed the launcher (SIGKILL included),
  // and takes the launcher's shared-memory folder with it. The control socket closing says so at
  // once to a rank that waits; the watchdog thread tells a rank busy in synchronous code.
  const leftovers = unixDir !== undefined && isRunFolder(unixDir) ? [unixDir] : [];
  dieWithParent({ cleanup: leftovers });
  let finished = false;
  const control = await connect(options.coordinator, timeoutMs, "the MPI coordinator");
  control.on("error", () => {});
  control.on("close", () => {
    if (finished) return;
    for (const p of leftovers) fs.rmSync(p, { recursive: true, force: true });
    process.exit(1);
  });
  let peersMessage!: (m: Extract<CoordinatorMessage, { type: "peers" }>) => void;
  const gotPeers = new Promise<Extract<CoordinatorMessage, { type: "peers" }>>((resolve) => (peersMessage = resolve));
  onFrames(control, (value) => {
    const m = value as CoordinatorMessage;
    if (m.type === "peers") peersMessage(m);
    else if (m.type === "exit") {
      finished = true;
      if (m.reason) process.stderr.write(`[rank ${rank}] stopped: ${m.reason}\n`);
      process.exit(m.code);
    }
  });
  writeFrame(control, { type: "hello", rank, size, port, ...(socketPath ? { path: socketPath } : {}), pid: process.pid } satisfies Hello);
  const info = await gotPeers;

  for (let j = 0; j < rank; j++) {
    const address = info.addresses[j]!;
    const socket = await connect(address, timeoutMs, `rank ${j}`);
    writeFrame(socket, { rank });
    onFrames(socket, onPeerFrame, lanes);
    socket.on("error", () => {});
    peers[j] = socket;
  }
  await acceptedAll;
  server.close();

  const sockets = () => [control, ...peers.filter((s): s is net.Socket => s !== undefined)];
  for (const s of sockets()) s.unref();

  const link: Link = {
    rank,
    size,
    watched: info.deadlockDetection,
    post(dest, envelope) {
      const seq = sendSeq.take(dest);
      let byRing: "sent" | "wake" | undefined;
      let sent: Promise<void> | undefined;
      try {
        byRing = rings?.tryPost(dest, envelope, seq);
        if (!byRing) sent = writeEnvelope(peers[dest]!, envelope, seq, lanes?.lanes.writer(dest));
      } catch (error) {
        sendSeq.untake(dest); // nothing went out (it would not serialize): the receiver must not wait for this number
        throw error;
      }
      if (byRing) {
        if (byRing === "wake") writeFrame(peers[dest]!, DOORBELL);
        return undefined;
      }
      rings?.markSocket(dest, seq);
      return sent;
    },
    // Only with an inbox: without one a blocked receive has nothing to poll.
    ...(rings ? { poll: (done: () => boolean) => rings.poll(done) } : {}),
    report(report: RankReport) {
      writeFrame(control, report);
    },
    hold(active) {
      // One ref'd handle keeps the process alive; the control socket lives as long as the run.
      active ? control.ref() : control.unref();
    },
    abort(code) {
      writeFrame(control, { type: "abort", code } satisfies RankReport);
      // The coordinator answers with "exit"; until then the control socket keeps us alive.
      control.ref();
      return new Promise<never>(() => {});
    },
    recycle(array) {
      lanes?.spares.give(array);
    },
    attach(fn) {
      deliver = fn;
      attached = true;
      for (const e of early.splice(0)) fn(e);
    },
  };
  return {
    link,
    task: info.task,
    finalize(value, counters) {
      // Throws, sending nothing, when the value does not serialize: the rank is not finished then.
      writeFrame(control, { type: "done", value, ...counters } satisfies RankReport);
      finished = true;
      for (const s of sockets()) s.end();
      lanes?.lanes.close();
      rings?.close();
    },
  };
}
