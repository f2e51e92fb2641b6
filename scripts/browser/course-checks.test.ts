// The browser test's judgements of page text and screenshot files, without a browser.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { deflateSync } from "node:zlib";
import { isReadableExerciseFailure, pngSize, screenshotFile, solvedSource, withTimeScale } from "./course-checks";

test("an unfilled exercise's ✘ says what is missing", () => {
  assert.ok(isReadableExerciseFailure("✘ Exercise 3b: parallelPi: not implemented yet"));
  assert.ok(isReadableExerciseFailure("✘ tiny tasks: no prediction yet (predictTinyTasks)"));
  assert.ok(isReadableExerciseFailure("✘ Exercise 1: expected 385, got undefined"));
  assert.ok(!isReadableExerciseFailure("✘ Exercise 1"));
});

test("withTimeScale rewrites the TIME_SCALE line only, and insists there is one", () => {
  assert.equal(withTimeScale("const TIME_SCALE = 1;       // note\nconst N = 3;", 0.1), "const TIME_SCALE = 0.1;       // note\nconst N = 3;");
  assert.throws(() => withTimeScale("const N = 3;", 0.1), /no "const TIME_SCALE/);
});

test("solvedSource puts the instructor's solution where the student's stub was", () => {
  const student = 'async function f(x: number): Promise<number> {\n  // YOUR CODE HERE\n  throw new Error("not implemented");\n}';
  const instructor = "async function f(x: number): Promise<number> {\n  // BEGIN SOLUTION\n  const y = x * 2;\n  return y;\n  // END SOLUTION\n}";
  assert.equal(solvedSource(student, instructor), "async function f(x: number): Promise<number> {\n  const y = x * 2;\n  return y;\n}");
  assert.throws(() => solvedSource("function f() {}", instructor), /YOUR CODE HERE/);
  assert.throws(() => solvedSource(student, "function f() {}"), /BEGIN SOLUTION/);
});

test("screenshotFile names the picture after the notebook's path", () => {
  assert.equal(screenshotFile("/b", "instructor/01-serial-baseline.ipynb"), path.join("/b", "instructor-01-serial-baseline.png"));
  assert.equal(screenshotFile("/b", "00-check-setup.ipynb", "-FAILED"), path.join("/b", "00-check-setup-FAILED.png"));
});

test("pngSize reads width and height from the IHDR chunk, and refuses other files", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "png-size-"));
  try {
    const chunk = (type: string, data: Buffer) => {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(data.length);
      return Buffer.concat([length, Buffer.from(type, "latin1"), data, Buffer.alloc(4)]); // CRC not checked
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(3, 0);
    ihdr.writeUInt32BE(2, 4);
    ihdr.writeUInt8(8, 8); // bit depth; colour type 0 (grey)
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(Buffer.alloc(8))), chunk("IEND", Buffer.alloc(0))]);
    const file = path.join(dir, "tiny.png");
    fs.writeFileSync(file, png);
    assert.deepEqual(pngSize(file), { width: 3, height: 2, bytes: png.length });
    const text = path.join(dir, "not.png");
    fs.writeFileSync(text, "hello, this is not a picture");
    assert.throws(() => pngSize(text), /not a PNG/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
