/**
 * The messages between ranks and between a rank and its coordinator (the launcher that watches the
 * run). Plain data so every transport can carry them: structured clone for threads, v8
 * serialization over TCP for processes and mpiexec.
 */

/** A user message or a collective's step between two ranks. */
export interface Envelope {
  /** Source rank. */
  readonly s: number;
  /** Tag (>= 0). */
  readonly t: number;
  /**
   * Context: 0 for point-to-point, 1 for collectives. Like an MPI communicator's context id, it
   * keeps a collective's internal messages from matching a user's `recv(ANY_SOURCE, ANY_TAG)`.
   */
  readonly c: 0 | 1;
  readonly d: unknown;
}

/** One posted receive a blocked rank waits on. */
export interface WaitInfo {
  readonly source: number;
  readonly tag: number;
  readonly operation: string;
}

/** Rank → coordinator. `sent`/`received` count envelopes so the coordinator can tell "in flight". */
export type RankReport =
  | { readonly type: "state"; readonly blocked: boolean; readonly waits: WaitInfo[]; readonly sent: number; readonly received: number }
  | { readonly type: "done"; readonly value: unknown; readonly sent: number; readonly received: number }
  | { readonly type: "error"; readonly name: string; readonly message: string; readonly stack?: string }
  | { readonly type: "abort"; readonly code: number };

/** Coordinator → rank over TCP. */
export type CoordinatorMessage =
  | { readonly type: "peers"; readonly addresses: PeerAddress[]; readonly task?: unknown; readonly deadlockDetection: boolean }
  | { readonly type: "exit"; readonly code: number; readonly reason: string };

/** Where a rank listens for its peers: a TCP address, or a Unix socket's path (ranks on one host). */
export interface PeerAddress {
  readonly host: string;
  readonly port: number;
  readonly path?: string;
}

/** Rank → coordinator over TCP, before the run: who I am and where my peers reach me. */
export interface Hello {
  readonly type: "hello";
  readonly rank: number;
  readonly size: number;
  readonly port: number;
  /** Set when the rank listens on a Unix socket instead of `port`. */
  readonly path?: string;
  readonly pid: number;
}
