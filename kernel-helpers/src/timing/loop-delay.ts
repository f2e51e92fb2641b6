/**
 * How late this thread's event loop answers while `fn` runs: the heartbeat that shows the GIL lesson's
 * Node twist. CPython's GIL is preemptive (a running thread is asked to let go every 5 ms,
 * `sys.getswitchinterval()`); Node's event loop never interrupts a callback, so a timer waits until
 * the running code returns. Built on Node's own `monitorEventLoopDelay` (a timer of `resolutionMs`
 * whose lateness goes into a histogram), not a hand-written heartbeat.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { describeValue, InvalidArgumentError } from "../errors";

export interface LoopDelayOptions {
  /**
   * How often the heartbeat timer wants to run, in ms.
   * @default 10
   */
  readonly resolutionMs?: number;
}

export interface LoopDelayResult<R> {
  /** `fn`'s (awaited) result. */
  readonly result: R;
  /** Wall time of the run. */
  readonly wallMs: number;
  /** The worst lateness of the heartbeat: the longest the loop could not answer a timer. */
  readonly worstDelayMs: number;
  /** The median lateness. */
  readonly medianDelayMs: number;
}

/** Runs `fn` with a heartbeat timer on this thread's event loop and reports how late it got. */
export async function loopDelay<R>(fn: () => R | PromiseLike<R>, options: LoopDelayOptions = {}): Promise<LoopDelayResult<Awaited<R>>> {
  const resolutionMs = options.resolutionMs ?? 10;
  if (!Number.isInteger(resolutionMs) || resolutionMs < 1) {
    throw new InvalidArgumentError(`loopDelay({ resolutionMs }): expected a positive integer number of ms, received ${describeValue(resolutionMs)}`);
  }
  const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  try {
    // One turn of the loop first, so the heartbeat is armed before fn can block it.
    await new Promise((resolve) => setTimeout(resolve, resolutionMs * 2));
    const begun = performance.now();
    const result = await fn();
    const wallMs = performance.now() - begun;
    // One more turn so a delay fn caused at its very end is recorded.
    await new Promise((resolve) => setTimeout(resolve, resolutionMs * 2));
    histogram.disable();
    const toMs = (ns: number) => Math.max(0, ns / 1e6 - resolutionMs);
    return { result, wallMs, worstDelayMs: toMs(histogram.max), medianDelayMs: toMs(histogram.percentile(50)) };
  } finally {
    histogram.disable();
  }
}
