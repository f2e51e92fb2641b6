/**
 * The communicator's errors. Each carries the data a notebook or test needs (`rank`, `ranks`,
 * `tags`) so nothing has to parse message text.
 */
import { KernelHelpersError } from "../errors";

/** What a blocked rank is waiting for: `source`/`tag` may be `ANY_SOURCE`/`ANY_TAG` (-1). */
export interface CommWait {
  readonly rank: number;
  readonly source: number;
  readonly tag: number;
  /** The operation the rank is inside, e.g. `recv`, `bcast`, `barrier`. */
  readonly operation: string;
  /** Inside a collective: its number among the rank's collective calls (0, 1, …) and its MPI kind. */
  readonly call?: number;
  readonly kind?: string;
}

function describeWait(w: CommWait): string {
  const from = w.source < 0 ? "any rank" : `rank ${w.source}`;
  const tag = w.tag < 0 ? "any tag" : `tag ${w.tag}`;
  return `rank ${w.rank} waits in ${w.operation} for ${from} (${tag})`;
}

/** A rank threw (or its process died); every other rank was stopped. */
export class RankFailedError extends KernelHelpersError {
  /** The rank that failed first. */
  readonly rank: number;
  /** The failing rank's stack (or the tail of its stderr when its process died). */
  readonly remoteStack: string | undefined;
  constructor(rank: number, message: string, remoteStack?: string) {
    super("ERR_RANK_FAILED", `rank ${rank} failed: ${message}`);
    this.rank = rank;
    this.remoteStack = remoteStack;
    if (remoteStack) this.stack = `${this.name}: ${this.message}\n  --- stack of rank ${rank} ---\n${remoteStack}`;
  }
}

/**
 * Every live rank waits for a message no one will send (and none is in flight). Like a real MPI job,
 * this would hang forever; here the run stops and names who waits for whom.
 */
export class DeadlockError extends KernelHelpersError {
  /** The blocked ranks, ascending. */
  readonly ranks: number[];
  /** The tags they wait for (-1 = ANY_TAG), one per wait, in the order of `waits`. */
  readonly tags: number[];
  readonly waits: CommWait[];
  constructor(waits: CommWait[]) {
    super("ERR_DEADLOCK", `deadlock: every live rank is blocked and no message is in flight: ${waits.map(describeWait).join("; ")}`);
    this.waits = waits;
    this.ranks = [...new Set(waits.map((w) => w.rank))].sort((a, b) => a - b);
    this.tags = waits.map((w) => w.tag);
  }
}

/** The run took longer than `timeoutMs`; the message lists what blocked ranks were waiting for. */
export class CommTimeoutError extends KernelHelpersError {
  readonly timeoutMs: number;
  readonly waits: CommWait[];
  constructor(timeoutMs: number, waits: CommWait[]) {
    const detail = waits.length > 0 ? `: ${waits.map(describeWait).join("; ")}` : "";
    super("ERR_COMM_TIMEOUT", `the MPI run did not finish within timeoutMs = ${timeoutMs}${detail}`);
    this.timeoutMs = timeoutMs;
    this.waits = waits;
  }
}

/** A rank called `comm.abort(errorcode)`. */
export class CommAbortError extends KernelHelpersError {
  readonly rank: number;
  readonly errorcode: number;
  constructor(rank: number, errorcode: number) {
    super("ERR_COMM_ABORT", `rank ${rank} called comm.abort(${errorcode})`);
    this.rank = rank;
    this.errorcode = errorcode;
  }
}

/** A buffer receive got a message longer than its buffer (MPI_ERR_TRUNCATE), or of another type. */
export class MessageTruncatedError extends KernelHelpersError {
  constructor(message: string) {
    super("ERR_MESSAGE_TRUNCATED", message);
  }
}

/** The ranks could not connect (bad environment, unreachable coordinator, launcher missing). */
export class CommSetupError extends KernelHelpersError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_COMM_SETUP", message, options);
  }
}

/**
 * Ranks called different collectives (one `bcast` where another `reduce`), the same one with
 * different roots, or a different number of them. MPI requires every rank to call the same
 * collectives in the same order; instead of a wrong result or a hang, the run stops and says who
 * called what.
 */
export class CollectiveMismatchError extends KernelHelpersError {
  /** The ranks whose calls differ (the first pair found). */
  readonly ranks: number[];
  /** What differs, in one sentence (the message adds the ranks and MPI's rule). */
  readonly detail: string;
  constructor(ranks: number[], detail: string) {
    super("ERR_COLLECTIVE_MISMATCH", `collective calls differ between ranks ${ranks.join(" and ")}: ${detail} (every rank must call the same collectives, with the same root, in the same order)`);
    this.ranks = ranks;
    this.detail = detail;
  }
}
