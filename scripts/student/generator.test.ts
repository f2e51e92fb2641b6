import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { code, markdown, notebook, readNotebook, serializeNotebook, sourceText, writeNotebook, type CodeCell } from "../notebook/nbformat";
import {
  MarkerError,
  UnsafeOutputError,
  assertSafeOutput,
  checkStudentVersions,
  generateStudentVersions,
  makeStudentNotebook,
  studentSource,
} from "./index";

const root = path.resolve(__dirname, "..", "..");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "student-gen-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function dirs(name: string): { instructorDir: string; studentDir: string } {
  const base = path.join(tmp, name);
  const d = { instructorDir: path.join(base, "instructor"), studentDir: path.join(base, "student") };
  fs.mkdirSync(d.instructorDir, { recursive: true });
  return d;
}

const exercise = [
  "function cubes(xs: number[]): number[] {",
  "  // BEGIN SOLUTION",
  "  return xs.map((x) => x ** 3);",
  "  // END SOLUTION",
  "}",
].join("\n");

describe("markers in one cell", () => {
  test("a solution region becomes the stub at the BEGIN line's indentation", () => {
    const r = studentSource(exercise, "code");
    assert.equal(r.source, ["function cubes(xs: number[]): number[] {", "  // YOUR CODE HERE", '  throw new Error("not implemented");', "}"].join("\n"));
    assert.deepEqual(r.regions.map((x) => [x.kind, x.beginLine, x.endLine]), [["solution", 2, 4]]);
  });

  test("a cell without markers is returned unchanged", () => {
    const text = "const a = 1;\n// BEGIN, not a marker\n  a + 1\n";
    assert.equal(studentSource(text, "code").source, text);
  });

  test("hidden tests are removed, markers included, and several regions are handled", () => {
    const text = ["const a = 1;", "// BEGIN SOLUTION", "const b = 2;", "// END SOLUTION", "// BEGIN HIDDEN TESTS", "assert(b === 2);", "// END HIDDEN TESTS", "done();"].join("\n");
    const r = studentSource(text, "code");
    assert.equal(r.source, ["const a = 1;", "// YOUR CODE HERE", 'throw new Error("not implemented");', "done();"].join("\n"));
    assert.deepEqual(r.regions.map((x) => x.kind), ["solution", "hidden"]);
  });

  test("markdown answers become YOUR ANSWER HERE", () => {
    const r = studentSource("Why is it slower?\n\n<!-- BEGIN SOLUTION -->\nThe tasks are tiny.\n<!-- END SOLUTION -->\n", "markdown");
    assert.equal(r.source, "Why is it slower?\n\nYOUR ANSWER HERE\n");
    assert.equal(r.raises, false);
  });

  for (const [name, text, line, pattern] of [
    ["an END without BEGIN", "a();\n// END SOLUTION", 2, /END SOLUTION without a BEGIN SOLUTION/],
    ["a BEGIN never closed", "a();\n  // BEGIN SOLUTION\nb();", 2, /BEGIN SOLUTION is never closed/],
    ["nested regions", "// BEGIN SOLUTION\na();\n// BEGIN HIDDEN TESTS\n// END HIDDEN TESTS\n// END SOLUTION", 3, /nested marker: BEGIN HIDDEN TESTS inside the BEGIN SOLUTION region opened on line 1/],
    ["a mismatched END", "// BEGIN HIDDEN TESTS\nx();\n// END SOLUTION", 3, /mismatched marker/],
    ["a marker after code", "x(); // BEGIN SOLUTION\n// END SOLUTION", 1, /looks like a marker but is not one/],
  ] as const) {
    test(`refuses ${name}, naming the line`, () => {
      assert.throws(() => studentSource(text, "code"), (e: Error & { line?: number }) => e.line === line && pattern.test(e.message));
    });
  }
});

describe("which student cells raise", () => {
  const raises = (text: string) => studentSource(text, "code").raises;
  test("a region at the top level of the cell raises", () => {
    assert.equal(raises("// BEGIN SOLUTION\nconst r = 1;\n// END SOLUTION"), true);
  });
  test("a region inside a function the cell only defines does not", () => {
    assert.equal(raises(exercise), false);
  });
  test("a region inside a function the cell then calls does", () => {
    assert.equal(raises(`${exercise}\ncubes([1, 2, 3])`), true);
    assert.equal(raises(`${exercise}\nconsole.log(\n  [1, 2].map(cubes),\n);`), true);
  });
  test("a call only in hidden tests or a comment does not count", () => {
    assert.equal(raises(`${exercise}\n// cubes([1])\n// BEGIN HIDDEN TESTS\ncubes([2]);\n// END HIDDEN TESTS`), false);
  });
  test("a use inside a later function's body or inside another solution does not count", () => {
    const two = `${exercise}\n\nasync function all(xs: number[][]) {\n  // BEGIN SOLUTION\n  return xs.map(cubes);\n  // END SOLUTION\n}\n\nfunction later() {\n  return cubes([1]);\n}`;
    assert.equal(raises(two), false);
    assert.equal(raises(`${two}\nlater();`), false, "chains through other functions are not followed");
  });
  test("an arrow function bound to a const is recognised", () => {
    const arrow = "const square = (x: number) => {\n  // BEGIN SOLUTION\n  return x * x;\n  // END SOLUTION\n};";
    assert.equal(raises(arrow), false);
    assert.equal(raises(`${arrow}\nawait check("sq", square(3), 9);`), true);
  });
});

describe("student notebooks", () => {
  const source = notebook([
    markdown("# 99 · Test\n\nCovers: A2", { id: "title" }),
    code("const TIME_SCALE = 1;", { id: "params", tags: ["parameters"] }),
    code(`${exercise}\ncubes([1, 2])`, { id: "ex1" }),
    code('await check("cubes", () => cubes([1, 2]), [1, 8]);\n// BEGIN HIDDEN TESTS\nconsole.log("hidden");\n// END HIDDEN TESTS', { id: "hidden" }),
    markdown("Answer:\n<!-- BEGIN SOLUTION -->\nBecause.\n<!-- END SOLUTION -->", { id: "answer" }),
    code('throw new Error("deadlock, on purpose");', { id: "demo", tags: ["raises-exception"] }),
  ]);
  (source.cells[2] as CodeCell).outputs = [{ output_type: "stream", name: "stdout", text: "[ 1, 8 ]\n" }];
  (source.cells[2] as CodeCell).execution_count = 3;
  source.cells[2]!.metadata.execution = { "iopub.status.busy": "x" };

  test("stubs, tags, strips outputs, keeps ids and marks the notebook as generated", () => {
    const s = makeStudentNotebook(source, "/somewhere/99-test.ipynb");
    assert.deepEqual(s.cells.map((c) => c.id), ["title", "params", "ex1", "hidden", "answer", "demo"]);
    const ex = s.cells[2] as CodeCell;
    assert.match(sourceText(ex.source), /YOUR CODE HERE/);
    assert.doesNotMatch(sourceText(ex.source), /x \*\* 3/);
    assert.deepEqual(ex.metadata.tags, ["raises-exception"]);
    assert.deepEqual(ex.outputs, []);
    assert.equal(ex.execution_count, null);
    assert.equal(ex.metadata.execution, undefined);
    assert.deepEqual(s.cells[1]!.metadata.tags, ["parameters"]);
    assert.equal(sourceText(s.cells[3]!.source), 'await check("cubes", () => cubes([1, 2]), [1, 8]);');
    assert.equal(s.cells[3]!.metadata.tags, undefined);
    assert.match(sourceText(s.cells[4]!.source), /YOUR ANSWER HERE/);
    assert.deepEqual(s.cells[5]!.metadata.tags, ["raises-exception"], "a demo that raises on purpose keeps its tag");
    assert.match(sourceText(s.cells[0]!.source), /Student version.*npm run student/);
    const { content_sha256: hash, ...student } = s.metadata.student as Record<string, unknown>;
    assert.deepEqual(student, { generated_from: "/somewhere/99-test.ipynb", generator: "npm run student" });
    assert.match(String(hash), /^[0-9a-f]{64}$/, "the hash that tells a student's edits from the generator's output");
    // Deterministic, so --check can compare bytes.
    assert.equal(serializeNotebook(s), serializeNotebook(makeStudentNotebook(source, "/somewhere/99-test.ipynb")));
  });

  test("a marker error names the file, the cell index and id, and the line", () => {
    const bad = notebook([markdown("# t"), code("a();\nb();\n// END SOLUTION", { id: "broken1" })]);
    assert.throws(
      () => makeStudentNotebook(bad, path.join(root, "notebooks", "instructor", "05-x.ipynb")),
      (e: unknown) =>
        e instanceof MarkerError &&
        e.code === "ERR_STUDENT_MARKER" &&
        e.file === path.join("notebooks", "instructor", "05-x.ipynb") &&
        e.cellIndex === 1 &&
        e.cellId === "broken1" &&
        e.line === 3 &&
        e.message.startsWith("notebooks/instructor/05-x.ipynb: cell 1 (id broken1), line 3: unbalanced marker"),
    );
  });

  test("generation writes one student notebook per source, and a marker error writes nothing", () => {
    const d = dirs("gen");
    writeNotebook(path.join(d.instructorDir, "01-a.ipynb"), source);
    writeNotebook(path.join(d.instructorDir, "02-b.ipynb"), notebook([code("// BEGIN SOLUTION\nx();")]));
    assert.throws(() => generateStudentVersions(d), MarkerError);
    assert.equal(fs.existsSync(d.studentDir), false);
    fs.rmSync(path.join(d.instructorDir, "02-b.ipynb"));
    const done = generateStudentVersions(d);
    assert.deepEqual(done.map((g) => [path.basename(g.output), g.changed]), [["01-a.ipynb", true]]);
    assert.match(sourceText(readNotebook(done[0]!.output).cells[2]!.source), /YOUR CODE HERE/);
    assert.equal(generateStudentVersions(d)[0]!.changed, false);
  });

  test("never writes over an instructor source", () => {
    const d = dirs("safe");
    const input = path.join(d.instructorDir, "01-a.ipynb");
    writeNotebook(input, source);
    const before = fs.readFileSync(input, "utf8");
    assert.throws(() => assertSafeOutput(input, input, d.instructorDir), (e: unknown) => e instanceof UnsafeOutputError && e.code === "ERR_STUDENT_OUTPUT" && /input itself/.test(e.message));
    assert.throws(() => assertSafeOutput(input, path.join(d.instructorDir, "sub", "x.ipynb"), d.instructorDir), /inside the instructor folder/);
    // The student folder pointing at the instructor folder (a symlink) is caught too.
    fs.symlinkSync(d.instructorDir, d.studentDir);
    assert.throws(() => generateStudentVersions(d), UnsafeOutputError);
    assert.throws(() => generateStudentVersions({ instructorDir: d.instructorDir, studentDir: d.instructorDir }), UnsafeOutputError);
    assert.equal(fs.readFileSync(input, "utf8"), before);
  });

  test("checkStudentVersions reports missing, edited and orphaned student notebooks", () => {
    const d = dirs("check");
    writeNotebook(path.join(d.instructorDir, "01-a.ipynb"), source);
    assert.deepEqual(checkStudentVersions(d).map((x) => x.problem), ["missing"]);
    generateStudentVersions(d);
    assert.deepEqual(checkStudentVersions(d), []);
    // The instructor changes a solution but forgets to regenerate.
    const changed = readNotebook(path.join(d.instructorDir, "01-a.ipynb"));
    changed.cells.push(code("// BEGIN SOLUTION\nnewAnswer();\n// END SOLUTION"), code('await check("new answer", () => newAnswer(), 1);'));
    writeNotebook(path.join(d.instructorDir, "01-a.ipynb"), changed);
    fs.copyFileSync(path.join(d.studentDir, "01-a.ipynb"), path.join(d.studentDir, "00-gone.ipynb"));
    const drift = checkStudentVersions(d);
    assert.deepEqual(drift.map((x) => [path.basename(x.student), x.problem]), [["01-a.ipynb", "out of date"], ["00-gone.ipynb", "no instructor source"]]);
  });
});

describe("the repository", () => {
  test("the committed student notebooks are what the generator writes", () => {
    const drift = checkStudentVersions();
    assert.deepEqual(drift.map((d) => `${path.relative(root, d.student)}: ${d.problem}`), [], "run `npm run student`");
  });

  test("`npm run student -- --check` exits 0 when up to date and the CLI rejects unknown options", () => {
    const cli = path.join(__dirname, "cli.ts");
    const ok = spawnSync(process.execPath, ["--import", "tsx", cli, "--check"], { cwd: root, encoding: "utf8" });
    assert.equal(ok.status, 0, ok.stderr);
    const bad = spawnSync(process.execPath, ["--import", "tsx", cli, "--frobnicate"], { cwd: root, encoding: "utf8" });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown option --frobnicate/);
  });
});
