// The self-check lines kernel-helpers prints (`check`, `checkThat`, the lesson checks): `✔ name: …`,
// `✘ name: …`, `○ name: skipped — …`, as the tests read them from executed notebooks and from pages.
// A lesson's timing verdict quotes what it measured, which is how a test tells a noisy timing that
// missed its threshold from a wrong value.

/** One self-check line. */
export interface Verdict {
  readonly mark: "✔" | "✘" | "○";
  /** The check's name: what stands between the mark and the first ": ". */
  readonly name: string;
  readonly line: string;
}

/** Every self-check line of `text`, in order. */
export function verdicts(text: string): Verdict[] {
  return text.split("\n").flatMap((raw) => {
    const m = /^\s*([✔✘○]) (\S.*?)(?::\s|$)/.exec(raw);
    return m ? [{ mark: m[1] as Verdict["mark"], name: m[2]!, line: raw.trim() }] : [];
  });
}

/**
 * Whether a verdict line judges a measurement (a ratio like `1.05×`, a time like `0.3 s` or `12 ms`):
 * on a busy two-core machine a timing lesson can miss its mark without anything being wrong.
 */
export function isMeasurementVerdict(line: string): boolean {
  return /\d(?:\.\d+)?\s?×/.test(line) || /\b\d+(?:\.\d+)?\s?(?:s|ms)\b/.test(line);
}

/**
 * Where two executors' runs of one notebook disagree. Both must print the same checks in the same
 * order (every cell ran under both) with the same verdicts, except a verdict on a timing: two runs
 * of the same timing on a noisy two-core machine can land either side of a lesson's threshold, so
 * such a pair may differ when its ✘ line reports what was measured.
 */
export function disagreements(ours: readonly Verdict[], theirs: readonly Verdict[]): string[] {
  const names = (vs: readonly Verdict[]) => vs.map((v) => v.name).join("\n");
  if (names(ours) !== names(theirs)) return [`different checks ran:\n  first:  ${ours.map((v) => v.name).join(" | ")}\n  second: ${theirs.map((v) => v.name).join(" | ")}`];
  return ours.flatMap((v, i) => {
    const w = theirs[i]!;
    if (v.mark === w.mark) return [];
    const failed = v.mark === "✘" ? v : w;
    return isMeasurementVerdict(failed.line) ? [] : [`${v.line}\n  against: ${w.line}`];
  });
}
