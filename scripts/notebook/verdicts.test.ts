// Reading kernel-helpers' self-check lines, and telling a timing verdict from a value verdict.
import assert from "node:assert/strict";
import { test } from "node:test";
import { disagreements, isMeasurementVerdict, verdicts } from "./verdicts";

test("verdicts: the ✔ / ✘ / ○ lines of an output, nothing else", () => {
  const text = "π ≈ 3.14\n✔ Exercise 1: cubes of 0…9\n  ✘ B1: the serial MapReduce: not implemented yet\n○ speed-up: skipped — one core\n✔✔ not a verdict\nthe ✘ mark inside a line";
  assert.deepEqual(verdicts(text), [
    { mark: "✔", name: "Exercise 1", line: "✔ Exercise 1: cubes of 0…9" },
    { mark: "✘", name: "B1", line: "✘ B1: the serial MapReduce: not implemented yet" },
    { mark: "○", name: "speed-up", line: "○ speed-up: skipped — one core" },
  ]);
});

test("a ✘ is a measurement when it quotes a ratio or a time", () => {
  assert.ok(isMeasurementVerdict("✘ Exercise 3: the speed-up never rises: at most 0.87× on up to 2 workers (expected at least 1.20×)"));
  assert.ok(isMeasurementVerdict("✘ Lesson: two lanes take 0.3 s, the serial loop 0.31 s"));
  assert.ok(isMeasurementVerdict("✘ Prediction: start-up costs 12 ms"));
  assert.ok(!isMeasurementVerdict("✘ Exercise 1: cubes of 0…9: expected [0, 1, 8], got [0, 1, 4]"));
  assert.ok(!isMeasurementVerdict("✘ B8: 3 samples differ"));
});

test("two runs agree unless a value verdict differs or other checks ran; a timing may land either side", () => {
  const run = (text: string) => verdicts(text);
  const ours = run("✔ A: correct\n✔ Lesson: 1.60× faster than serial (0.2 s, 0.32 s)");
  assert.deepEqual(disagreements(ours, run("✔ A: correct\n✘ Lesson: only 1.04× faster than serial, expected at least 1.05×")), []);
  assert.equal(disagreements(ours, run("✘ A: expected [1, 8], got [1, 4]\n✔ Lesson: 1.5× faster")).length, 1);
  assert.match(disagreements(ours, run("✔ A: correct"))[0]!, /different checks ran/);
});
