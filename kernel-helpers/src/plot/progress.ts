import { InvalidArgumentError, describeValue } from "../errors";
import { isHeadless, tslabModule, type KernelDisplay } from "./kernel";

/** Options of {@link progress}. */
export interface ProgressOptions {
  /** Shown before the bar. @default "progress" */
  readonly label?: string;
}

/** A progress bar returned by {@link progress}. */
export interface ProgressBar {
  /** Advances the bar by `n` steps (default 1). Counts beyond `total` are clamped. */
  tick(n?: number): void;
  /** Shows the final state. Further `tick`/`done` calls are ignored. */
  done(): void;
  /** Steps counted so far (never more than `total`). */
  readonly count: number;
  /** The total given to {@link progress}. */
  readonly total: number;
}

/** Live updates at most this often: a fast loop must not flood the notebook with messages. */
const LIVE_INTERVAL_MS = 100;
/** Headless runs print one line when each of these fractions is first reached. */
const LINE_STEPS = [0, 0.25, 0.5, 0.75];
const BAR_WIDTH = 30;

/**
 * A progress bar for a loop of `total` steps: `const bar = progress(items.length, { label: "fit" })`,
 * `bar.tick()` per step, `bar.done()` at the end.
 *
 * In a tslab kernel it updates one display in place (throttled to 10 updates a second, plus the
 * final state). With `KERNEL_HELPERS_HEADLESS=1` (headless notebook runs) or outside a kernel it
 * prints a few plain lines, at 0, 25, 50, 75 and 100 %.
 *
 * @throws InvalidArgumentError when `total` is not a non-negative integer.
 */
export function progress(total: number, options: ProgressOptions = {}): ProgressBar {
  if (!Number.isInteger(total) || total < 0) {
    throw new InvalidArgumentError(`progress(total): expected a non-negative integer, received ${describeValue(total)}`);
  }
  const label = options.label ?? "progress";
  const tslab = isHeadless() ? undefined : tslabModule();
  const view = tslab === undefined ? new LineView(label, total) : new LiveView(label, total, tslab.newDisplay());
  return new Bar(total, view);
}

interface View {
  /** Called after every change; the view decides whether it is worth showing. */
  update(count: number, final: boolean): void;
}

class Bar implements ProgressBar {
  #count = 0;
  #finished = false;

  constructor(
    readonly total: number,
    private readonly view: View,
  ) {
    view.update(0, false);
  }

  get count(): number {
    return this.#count;
  }

  tick(n = 1): void {
    if (this.#finished) return;
    if (!Number.isFinite(n) || n < 0) {
      throw new InvalidArgumentError(`ProgressBar.tick(n): expected a non-negative number, received ${describeValue(n)}`);
    }
    this.#count = Math.min(this.total, this.#count + n);
    this.view.update(this.#count, false);
  }

  done(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.view.update(this.#count, true);
  }
}

/** Updates a tslab display in place. */
class LiveView implements View {
  readonly #started = performance.now();
  #lastShown = -Infinity;
  #pending: NodeJS.Timeout | undefined;
  #latest = 0;
  #finished = false;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly display: KernelDisplay,
  ) {}

  update(count: number, final: boolean): void {
    if (this.#finished) return;
    this.#latest = count;
    const now = performance.now();
    if (final || count === this.total) {
      // Reaching the total counts as finished even if `done()` is never called; `done()` then adds nothing.
      clearTimeout(this.#pending);
      this.#pending = undefined;
      this.#finished = true;
      this.show(true);
    } else if (now - this.#lastShown >= LIVE_INTERVAL_MS) {
      this.show(false);
    } else if (this.#pending === undefined) {
      // A trailing update, so the last tick before a pause is not lost; unref'd so a forgotten
      // bar never keeps a script alive.
      this.#pending = setTimeout(() => {
        this.#pending = undefined;
        this.show(false);
      }, LIVE_INTERVAL_MS - (now - this.#lastShown));
      this.#pending.unref();
    }
  }

  private show(final: boolean): void {
    // A late timer and a tick can both find the interval over; whichever shows first wins.
    clearTimeout(this.#pending);
    this.#pending = undefined;
    this.#lastShown = performance.now();
    const elapsedMs = this.#lastShown - this.#started;
    try {
      this.display.text(formatBar(this.label, this.#latest, this.total, elapsedMs, final));
    } catch {
      // tslab throws "Not ready" between executions; a progress bar must never fail the work it watches.
    }
  }
}

/** Prints a line at each quarter. */
class LineView implements View {
  readonly #started = performance.now();
  #nextStep = 0;
  #finished = false;

  constructor(
    private readonly label: string,
    private readonly total: number,
  ) {}

  update(count: number, final: boolean): void {
    if (this.#finished) return;
    const fraction = this.total === 0 ? 1 : count / this.total;
    if (final || fraction >= 1) {
      // Reaching the total counts as finished even if `done()` is never called; `done()` then adds nothing.
      this.#finished = true;
      this.print(count, true);
      return;
    }
    let crossed = false;
    while (fraction >= LINE_STEPS[this.#nextStep]!) {
      this.#nextStep++;
      crossed = true;
    }
    if (crossed) this.print(count, false);
  }

  private print(count: number, final: boolean): void {
    const elapsedMs = performance.now() - this.#started;
    process.stdout.write(formatLine(this.label, count, this.total, elapsedMs, final) + "\n");
  }
}

function percent(count: number, total: number): number {
  return total === 0 ? 100 : Math.floor((100 * count) / total);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** `label [██████░░░░] 60 % 6/10 · 1.20 s · ~0.80 s left` */
export function formatBar(label: string, count: number, total: number, elapsedMs: number, final: boolean): string {
  const filled = total === 0 ? BAR_WIDTH : Math.round((BAR_WIDTH * count) / total);
  const bar = "█".repeat(filled) + "░".repeat(BAR_WIDTH - filled);
  const pct = String(percent(count, total)).padStart(3);
  let tail = ` · ${seconds(elapsedMs)}`;
  if (final) tail += " · done";
  else if (count > 0 && count < total) tail += ` · ~${seconds((elapsedMs * (total - count)) / count)} left`;
  return `${label} [${bar}] ${pct} % ${count}/${total}${tail}`;
}

/** `label: 5/20 (25 %)` and at the end `label: 20/20 (100 %) done in 1.20 s` */
function formatLine(label: string, count: number, total: number, elapsedMs: number, final: boolean): string {
  const head = `${label}: ${count}/${total} (${percent(count, total)} %)`;
  return final ? `${head} done in ${seconds(elapsedMs)}` : head;
}
