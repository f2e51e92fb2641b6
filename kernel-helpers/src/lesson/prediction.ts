/**
 * Prediction cells: the student answers a question before a timing runs, the cell after it compares
 * the answer with what was measured. Answers are words from a short list (not numbers), because a
 * timing on a noisy machine can only be judged coarsely: "slower", "about the same", "faster".
 */
import { InvalidArgumentError, describeValue } from "../errors";
import { type LessonOptions, type LessonVerdict, emit, fail, pass, times } from "./verdict";

/** What a run did against a baseline. */
export type Change = "slower" | "about the same" | "faster";
export const CHANGES: readonly Change[] = ["slower", "about the same", "faster"];

/**
 * How `seconds` compares with `baselineSeconds`: within ±25 % (a ratio from 0.8 to 1.25) is "about
 * the same", beyond that "faster" or "slower".
 */
export function changeOf(seconds: number, baselineSeconds: number): Change {
  if (!(seconds > 0) || !(baselineSeconds > 0)) {
    throw new InvalidArgumentError(`changeOf(seconds, baselineSeconds): expected two positive times, received ${describeValue(seconds)} and ${describeValue(baselineSeconds)}`);
  }
  const speedup = baselineSeconds / seconds;
  if (speedup > 1.25) return "faster";
  if (speedup < 0.8) return "slower";
  return "about the same";
}

const NOT_IMPLEMENTED = /not implemented/i;

/**
 * Compares the answer `predict()` returns with `measured` (one of `choices`). `detail` says what was
 * measured, e.g. "1.02× the serial time". A stub that throws "not implemented" gets ✘ "no prediction
 * yet"; an answer outside `choices` gets ✘ naming the choices.
 */
export async function predictionVerdict<T extends string>(
  name: string,
  predict: () => T | Promise<T>,
  measured: T,
  detail: string,
  choices: readonly T[],
): Promise<LessonVerdict> {
  let answer: unknown;
  try {
    answer = await predict();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return NOT_IMPLEMENTED.test(message)
      ? fail(name, `no prediction yet — answer in the prediction cell before the timing, then run the timing and this cell again (the measurement is shown once you have predicted)`)
      : fail(name, `your prediction threw ${message}`);
  }
  const list = choices.map((c) => JSON.stringify(c)).join(", ");
  if (typeof answer !== "string" || !choices.includes(answer as T)) {
    return fail(name, `answer one of ${list}, received ${describeValue(answer)}`);
  }
  return answer === measured
    ? pass(name, `you predicted "${answer}" and measured "${measured}" (${detail})`)
    : fail(name, `you predicted "${answer}", measured "${measured}" (${detail}) — the next cell explains why`);
}

/** Prints {@link predictionVerdict}'s line; `choices` default to {@link CHANGES}. */
export async function checkPrediction<T extends string = Change>(
  name: string,
  predict: () => T | Promise<T>,
  measured: T,
  detail: string,
  options: LessonOptions & { readonly choices?: readonly T[] } = {},
): Promise<void> {
  emit(await predictionVerdict(name, predict, measured, detail, options.choices ?? (CHANGES as readonly string[] as readonly T[])), options);
}

/** "2 lanes took 1.02× the serial time" style detail for {@link checkPrediction}. */
export function ratioDetail(seconds: number, baselineSeconds: number, baselineLabel: string): string {
  return `${times(seconds / baselineSeconds)} the time of ${baselineLabel}`;
}
