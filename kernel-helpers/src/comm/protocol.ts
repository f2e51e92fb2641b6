/**
 * The messages between ranks and between a rank and its coordinator (the launcher that watches the
 * run). Plain data so every transport can carry them: structured clone for threads, v8
 * serialization over TCP for processes and mpiexec.
 */

/** A user message or a collective's step between two ranks. */
export interface Envelope {
  /** Source rank. */
  readonly s: number;
  /** Tag 0…TAG_UB; for a collective's message, the number of the collective call (mod 2³¹). */
  readonly t: number;
  /**
   * Context: 0 for point-to-point, else the collective kind (1…255, see collective-order.ts). Like
   * an MPI communicator's context id, it keeps a collective's internal messages from matching a
   * user's `recv(ANY_SOURCE, ANY_TAG)`, and the kind lets the receiver tell a mismatched call.
   */
  readonly c: number;
  readonly d: unknown;
}

/** One posted receive a blocked rank waits on. */
export interface WaitInfo {
  readonly source: number;
  readonly tag: number;
  readonly operation: string;
  /** Inside a collective: its number among the rank's collective calls, and its MPI kind. */
  readonly call?: number;
  readonly kind?: string;
}

/** What a rank's collective calls were, sent with `done` so the coordinator can compare ranks. */
export interface CollectiveSummary {
  readonly count: number;
  /** A hash of every call's kind and root, in order. */
  readonly digest: number;
  /** The first calls, described (`bcast(root 0)`), for the error message. */
  readonly first: string[];
}

/** Rank → coordinator. `sent`/`received` count envelopes so the coordinator can tell "in flight". */
export type RankReport =
  | { readonly type: "state"; readonly blocked: boolean; readonly waits: WaitInfo[]; readonly sent: number; readonly received: number }
  | { readonly type: "done"; readonly value: unknown; readonly sent: number; readonly received: number; readonly collectives?: CollectiveSummary }
  | { readonly type: "error"; readonly name: string; readonly message: string; readonly stack?: string }
  | { readonly type: "mismatch"; readonly ranks: number[]; readonly detail: string }
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
