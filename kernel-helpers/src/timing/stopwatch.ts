/** One lap of a {@link Stopwatch}. */
export interface Lap {
  readonly label: string;
  /** Time since the previous lap (or the start). */
  readonly ms: number;
  /** Time since the start. */
  readonly totalMs: number;
}

/**
 * A stopwatch for timing steps of a notebook cell: `const sw = Stopwatch.start()`, `sw.lap("load")`,
 * `sw.lap("compute")`, `sw.elapsedMs`. Uses `performance.now()` (monotonic, sub-millisecond).
 */
export class Stopwatch {
  private startedAt: number | undefined;
  private accumulated = 0;
  private lastLap = 0;
  private readonly recorded: Lap[] = [];

  /** A new, running stopwatch. */
  static start(): Stopwatch {
    return new Stopwatch().start();
  }

  /** Starts (or resumes) timing. */
  start(): this {
    this.startedAt ??= performance.now();
    return this;
  }

  /** Pauses timing; `elapsedMs` keeps its value. */
  stop(): this {
    if (this.startedAt !== undefined) {
      this.accumulated += performance.now() - this.startedAt;
      this.startedAt = undefined;
    }
    return this;
  }

  /** Back to zero, stopped, no laps. */
  reset(): this {
    this.startedAt = undefined;
    this.accumulated = 0;
    this.lastLap = 0;
    this.recorded.length = 0;
    return this;
  }

  get running(): boolean {
    return this.startedAt !== undefined;
  }

  /** Time measured so far, in ms. */
  get elapsedMs(): number {
    return this.accumulated + (this.startedAt === undefined ? 0 : performance.now() - this.startedAt);
  }

  /** Records a lap: the time since the previous lap. */
  lap(label = `lap ${this.recorded.length + 1}`): Lap {
    const totalMs = this.elapsedMs;
    const lap = { label, ms: totalMs - this.lastLap, totalMs };
    this.lastLap = totalMs;
    this.recorded.push(lap);
    return lap;
  }

  get laps(): readonly Lap[] {
    return this.recorded;
  }
}
