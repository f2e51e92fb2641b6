/**
 * The coordinator's view of a run, whatever the transport: which ranks finished, failed or are
 * blocked, and whether the run is deadlocked.
 *
 * Deadlock rule: every rank that has not finished reports itself blocked (awaiting a receive with no
 * timers or I/O of its own pending), and the envelopes sent by all ranks equal the envelopes
 * delivered to all ranks, so none is in flight that could unblock someone. Reports arrive a little
 * late (ranks stay silent for their first 15 ms of waiting), so the verdict is given only when the
 * picture stays unchanged for `graceMs`.
 */
import { compareSummaries } from "./collective-order";
import type { CommWait } from "./errors";
import { CollectiveMismatchError, CommAbortError, CommTimeoutError, DeadlockError, RankFailedError } from "./errors";
import type { CollectiveSummary, RankReport, WaitInfo } from "./protocol";

const MAX_TIMER_MS = 2 ** 31 - 1;

interface RankState {
  phase: "running" | "blocked" | "done";
  waits: WaitInfo[];
  sent: number;
  received: number;
  value?: unknown;
  /** What the rank's collective calls were, once it is done (a program's plain exit says nothing). */
  collectives?: CollectiveSummary;
}

export interface RunMonitorOptions {
  readonly deadlockDetection: boolean;
  /** @default 60 */
  readonly graceMs?: number;
  /** Reject the run after this long (undefined: never). */
  readonly timeoutMs?: number;
}

/** Collects reports; `result` settles with every rank's return value or the first failure. */
export class RunMonitor {
  readonly result: Promise<unknown[]>;
  private readonly states: RankState[];
  private settle!: { resolve: (values: unknown[]) => void; reject: (error: Error) => void };
  private settled = false;
  private version = 0;
  private graceTimer: NodeJS.Timeout | undefined;
  private timeoutTimer: NodeJS.Timeout | undefined;
  private readonly options: RunMonitorOptions;

  constructor(readonly size: number, options: RunMonitorOptions) {
    this.options = options;
    this.states = Array.from({ length: size }, () => ({ phase: "running" as const, waits: [], sent: 0, received: 0 }));
    this.result = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    this.result.catch(() => {}); // the launcher awaits it; never an unhandled rejection in between
    // Node fires a timer longer than 2³¹−1 ms at once: such a timeout (over 24 days) means none.
    if (options.timeoutMs !== undefined && Number.isFinite(options.timeoutMs) && options.timeoutMs <= MAX_TIMER_MS) {
      this.timeoutTimer = setTimeout(() => this.fail(new CommTimeoutError(options.timeoutMs!, this.currentWaits())), options.timeoutMs);
    }
  }

  get done(): boolean {
    return this.settled;
  }

  report(rank: number, report: RankReport): void {
    if (this.settled) return;
    const s = this.states[rank]!;
    this.version++;
    switch (report.type) {
      case "state":
        s.phase = report.blocked ? "blocked" : "running";
        s.waits = report.waits;
        s.sent = report.sent;
        s.received = report.received;
        break;
      case "done":
        s.phase = "done";
        s.waits = [];
        s.sent = report.sent;
        s.received = report.received;
        s.value = report.value;
        s.collectives = report.collectives;
        if (this.states.every((x) => x.phase === "done")) return this.finish();
        break;
      case "mismatch":
        return this.fail(new CollectiveMismatchError(report.ranks, report.detail));
      case "error": {
        const head = report.name && report.name !== "Error" ? `${report.name}: ${report.message}` : report.message;
        return this.fail(new RankFailedError(rank, head, report.stack));
      }
      case "abort":
        return this.fail(new CommAbortError(rank, report.code));
    }
    this.checkDeadlock();
  }

  /** Whether the timeout timer keeps the process alive (see `TcpCoordinator.setRef`). */
  refTimers(active: boolean): void {
    if (active) this.timeoutTimer?.ref();
    else this.timeoutTimer?.unref();
  }

  /** Whether `rank` reported done. */
  isDone(rank: number): boolean {
    return this.states[rank]!.phase === "done";
  }

  /** A rank's thread or process ended without reporting `done`. */
  exited(rank: number, detail: string): void {
    if (this.settled || this.states[rank]!.phase === "done") return;
    this.fail(new RankFailedError(rank, detail));
  }

  fail(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.clearTimers();
    this.settle.reject(error);
  }

  private finish(): void {
    // Every rank ended: their collective calls must have been the same (a rank that only sent
    // in a mismatched call may have ended before its peer's message could tell).
    const summaries = this.states.flatMap((s, rank) => (s.collectives ? [{ rank, summary: s.collectives }] : []));
    for (const other of summaries.slice(1)) {
      const detail = compareSummaries(summaries[0]!, other);
      if (detail) return this.fail(new CollectiveMismatchError([summaries[0]!.rank, other.rank], detail));
    }
    this.settled = true;
    this.clearTimers();
    this.settle.resolve(this.states.map((s) => s.value));
  }

  private clearTimers(): void {
    clearTimeout(this.graceTimer);
    clearTimeout(this.timeoutTimer);
  }

  private deadlocked(): boolean {
    const live = this.states.filter((s) => s.phase !== "done");
    if (live.length === 0 || !live.every((s) => s.phase === "blocked")) return false;
    let sent = 0;
    let received = 0;
    for (const s of this.states) {
      sent += s.sent;
      received += s.received;
    }
    return sent === received;
  }

  private checkDeadlock(): void {
    if (!this.options.deadlockDetection || this.graceTimer || !this.deadlocked()) return;
    const seen = this.version;
    this.graceTimer = setTimeout(() => {
      this.graceTimer = undefined;
      if (this.settled) return;
      if (this.version === seen && this.deadlocked()) this.fail(this.collectiveMismatch() ?? new DeadlockError(this.currentWaits()));
      else this.checkDeadlock();
    }, this.options.graceMs ?? 60);
  }

  /**
   * A deadlock among collectives that the ranks did not call alike: two ranks blocked in their
   * collective #k of different kinds, or a rank blocked in #k while another ended after fewer.
   */
  private collectiveMismatch(): CollectiveMismatchError | undefined {
    const waits = this.currentWaits().filter((w) => w.call !== undefined);
    for (const a of waits) {
      const b = waits.find((w) => w.rank !== a.rank && w.call === a.call && w.kind !== a.kind);
      if (b) return new CollectiveMismatchError([a.rank, b.rank], `in their collective #${a.call! + 1}, rank ${a.rank} waits in ${a.operation} and rank ${b.rank} in ${b.operation}`);
      const ended = this.states.findIndex((s) => s.phase === "done" && s.collectives !== undefined && s.collectives.count <= a.call!);
      if (ended >= 0) {
        const count = this.states[ended]!.collectives!.count;
        return new CollectiveMismatchError([a.rank, ended].sort((x, y) => x - y), `rank ${a.rank} waits in ${a.operation} (its collective #${a.call! + 1}) but rank ${ended} ended after ${count} collective${count === 1 ? "" : "s"}`);
      }
    }
    return undefined;
  }

  private currentWaits(): CommWait[] {
    const out: CommWait[] = [];
    this.states.forEach((s, rank) => {
      if (s.phase !== "done") for (const w of s.waits) out.push({ rank, ...w });
    });
    return out;
  }
}
