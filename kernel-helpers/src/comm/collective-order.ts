/**
 * The order of one rank's collective calls, and the check that its peers' calls match.
 *
 * Every collective call gets the next number of this rank (0, 1, …); its messages carry that number
 * as their tag (mod 2³¹) and the call's MPI kind as their context. All ranks must call the same
 * collectives in the same order, so a message for call k must come from a peer in the same kind of
 * call k, and arrive while this rank's call k still runs (or before it starts): the algorithms send
 * at most one message per call and ordered pair of ranks, and a call ends only once it has every
 * message addressed to it. A message of another kind, one for a call this rank has finished, or one
 * still unreceived when the call ends, is a mismatch. What messages cannot show (ranks that only
 * send, or that end before the peer's message arrives) the coordinator finds in the summaries the
 * ranks send when they end, and in the waits of a deadlock (monitor.ts).
 */
import { CollectiveMismatchError } from "./errors";
import type { Envelope, CollectiveSummary } from "./protocol";

/** MPI's collective kinds: the object and buffer forms of one operation (`bcast`, `Bcast`) are one kind. */
export const KINDS = ["bcast", "scatter", "gather", "reduce", "allreduce", "barrier", "allgather"] as const;
export type CollectiveKind = (typeof KINDS)[number];

/** The wire's tag range for call numbers. */
const WRAP = 2 ** 31;
/** How many calls the summary describes by name. */
const DESCRIBED = 8;
/** How many finished calls are remembered for messages about them. */
const REMEMBERED = 64;

/** One collective call of this rank. */
export interface CollectiveCall {
  readonly seq: number;
  /** The tag its messages carry. */
  readonly tag: number;
  /** Its kind's context code (1…). */
  readonly ctx: number;
  readonly kind: CollectiveKind;
  /** The name the program called (`Allreduce`, `barrier`), for reports. */
  readonly operation: string;
  readonly description: string;
}

function kindOf(ctx: number): string {
  return KINDS[ctx - 1] ?? `collective kind ${ctx}`;
}

export class CollectiveOrder {
  private started = 0;
  private readonly open = new Map<number, CollectiveCall>();
  private readonly finished = new Map<number, string>();
  private digest = 0x811c9dc5;
  private readonly first: string[] = [];

  constructor(
    private readonly rank: number,
    /** Finds a queued, not yet received envelope. */
    private readonly findQueued: (test: (e: Envelope) => boolean) => Envelope | undefined,
    /** Reports a mismatch to the coordinator (once is enough; later ones are ignored there). */
    private readonly report: (error: CollectiveMismatchError) => void,
  ) {}

  /** Starts this rank's next collective call; throws when a peer's message for it is of another kind. */
  begin(kind: CollectiveKind, operation: string, root?: number): CollectiveCall {
    const seq = this.started++;
    const description = root === undefined ? operation : `${operation}(root ${root})`;
    const call: CollectiveCall = { seq, tag: seq % WRAP, ctx: KINDS.indexOf(kind) + 1, kind, operation, description };
    this.open.set(seq, call);
    this.fold(call.ctx, root ?? -1);
    if (this.first.length < DESCRIBED) this.first.push(description);
    const early = this.findQueued((e) => e.c !== 0 && e.t === call.tag && e.c !== call.ctx);
    if (early) this.fail(this.differs(call, early));
    return call;
  }

  /** Checks a message a call received. */
  received(call: CollectiveCall, e: Envelope): void {
    if (e.c !== call.ctx) this.fail(this.differs(call, e));
  }

  /** Ends a call; a message for it that is still queued came from a rank in another call. */
  end(call: CollectiveCall): void {
    this.open.delete(call.seq);
    this.finished.set(call.seq, call.description);
    if (this.finished.size > REMEMBERED) this.finished.delete(this.finished.keys().next().value!);
    const left = this.findQueued((e) => e.c !== 0 && e.t === call.tag);
    if (left) this.fail(new CollectiveMismatchError([this.rank, left.s], `rank ${left.s} sent rank ${this.rank} a ${kindOf(left.c)} message in their collective #${call.seq + 1}, which rank ${this.rank} finished as ${call.description} without needing it (a different root?)`));
  }

  /** Every arriving collective message: for a call this rank finished, or of another kind, it is a mismatch. */
  arrived(e: Envelope): void {
    const seq = this.seqOf(e.t);
    if (seq >= this.started) return; // a call this rank has not reached yet: begin() checks it
    const call = this.open.get(seq);
    if (call) {
      if (call.ctx !== e.c) this.report(this.differs(call, e));
      return;
    }
    const done = this.finished.get(seq) ?? "a call it had finished";
    this.report(new CollectiveMismatchError([this.rank, e.s], `rank ${e.s} sent rank ${this.rank} a ${kindOf(e.c)} message in their collective #${seq + 1}, which rank ${this.rank} had finished as ${done} without needing it`));
  }

  summary(): CollectiveSummary {
    return { count: this.started, digest: this.digest, first: [...this.first] };
  }

  private differs(call: CollectiveCall, e: Envelope): CollectiveMismatchError {
    return new CollectiveMismatchError([this.rank, e.s].sort((a, b) => a - b), `in collective #${call.seq + 1}, rank ${this.rank} called ${call.description} but rank ${e.s} sent it a ${kindOf(e.c)} message`);
  }

  private fail(error: CollectiveMismatchError): never {
    this.report(error);
    throw error;
  }

  /** The full call number of a wire tag: the one nearest to this rank's count of calls. */
  private seqOf(tag: number): number {
    let seq = this.started - (this.started % WRAP) + tag;
    if (seq > this.started + WRAP / 2) seq -= WRAP;
    else if (seq < this.started - WRAP / 2) seq += WRAP;
    return seq;
  }

  /** FNV-1a over (kind, root) pairs. */
  private fold(ctx: number, root: number): void {
    for (const x of [ctx, root & 0xff, (root >>> 8) & 0xff]) this.digest = Math.imul(this.digest ^ x, 0x01000193) >>> 0;
  }
}

/** Compares two ranks' summaries; a sentence for the error, or undefined when they agree. */
export function compareSummaries(a: { rank: number; summary: CollectiveSummary }, b: { rank: number; summary: CollectiveSummary }): string | undefined {
  if (a.summary.count === b.summary.count && a.summary.digest === b.summary.digest) return undefined;
  const list = (s: CollectiveSummary) => `${s.first.join(", ")}${s.count > s.first.length ? ", …" : ""}`;
  const calls = (n: number) => `${n} collective${n === 1 ? "" : "s"}`;
  return `rank ${a.rank} called ${calls(a.summary.count)} (${list(a.summary)}), rank ${b.rank} called ${calls(b.summary.count)} (${list(b.summary)})`;
}
