// The grading rules in `npm run student` (scripts/student/grading.ts): every course notebook keeps
// them; each bad notebook of fixtures/grading-cases.ts is refused with a GradingError naming the
// notebook, the cell (index and id) and the line, generation writes nothing, and the source notebook
// is left byte for byte as it was. (nbgrader's generate_assignment is held to the same cases in
// scripts/instructor-tools/grading-rules.test.ts.)
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { code, markdown, notebook, notebooksIn, readNotebook, writeNotebook } from "../notebook/nbformat";
import { gradingCases, goodNotebook } from "./fixtures/grading-cases";
import { GradingError, MarkerError, checkStudentVersions, codeOnly, exerciseRoles, generateStudentVersions, makeStudentNotebook } from "./index";

const root = path.resolve(__dirname, "..", "..");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "student-grading-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("codeOnly", () => {
  test("blanks comments, strings, template text and regular expressions, keeping offsets and lines", () => {
    const text = [
      'const a = "x // check(1)"; // check(2)',
      "/* check(3)",
      "   */ const r = /it's (\\d+)/.exec(s); const q = a / 2 / 3;",
      "const t = `a ${f(`in ${g('check(4)')}`)} b`; check(5);",
    ].join("\n");
    const masked = codeOnly(text);
    assert.equal(masked.length, text.length);
    assert.deepEqual(masked.split("\n").map((l) => l.trimEnd()), [
      `const a = "${" ".repeat("x // check(1)".length)}";`,
      "",
      `      const r = /${" ".repeat("it's (\\d+)".length)}/.exec(s); const q = a / 2 / 3;`,
      "const t = `  ${f(`   ${g('        ')}`)}  `; check(5);",
    ]);
  });
});

describe("which cells are exercises, predictions and checks", () => {
  test("every course notebook keeps the rules; a prediction's timing cell is not a check, even with checks in it", () => {
    for (const file of notebooksIn(path.join(root, "notebooks", "instructor"))) {
      const { roles, problem } = exerciseRoles(readNotebook(file).cells);
      assert.equal(problem, undefined, `${path.basename(file)}: ${JSON.stringify(problem)}`);
      const kinds = [...roles.values()];
      assert.ok(kinds.includes("exercise") && kinds.filter((k) => k === "exercise").length === kinds.filter((k) => k === "check").length, path.basename(file));
    }
    // 07: the conversion's timing cell calls `await check(...)` on its own results; the prediction before it is compared there, not graded.
    const nb07 = readNotebook(path.join(root, "notebooks", "instructor", "07-task-graphs.ipynb"));
    const predict = nb07.cells.findIndex((c) => c.id === "n07-convert-predict");
    const { roles } = exerciseRoles(nb07.cells);
    assert.equal(roles.get(predict), "prediction");
    assert.equal(roles.get(predict + 1), undefined);
  });

  test("the good fixture keeps every rule", () => {
    const { roles, problem } = exerciseRoles(goodNotebook.cells);
    assert.equal(problem, undefined);
    assert.deepEqual([...roles].sort((a, b) => a[0] - b[0]), [[2, "exercise"], [4, "check"], [5, "prediction"]]);
  });
});

describe("npm run student refuses a notebook nbgrader could not grade", () => {
  for (const c of gradingCases) {
    test(`${c.name}: cell ${c.cellIndex} (id ${c.cellId})${c.line ? `, line ${c.line}` : ""}`, () => {
      const dir = path.join(tmp, c.name);
      const d = { instructorDir: path.join(dir, "instructor"), studentDir: path.join(dir, "student") };
      const source = path.join(d.instructorDir, `${c.name}.ipynb`);
      writeNotebook(source, c.notebook);
      const before = fs.readFileSync(source);
      assert.throws(
        () => generateStudentVersions(d),
        (e: unknown) => {
          assert.ok(e instanceof GradingError, String(e));
          assert.equal(e.code, "ERR_STUDENT_GRADING");
          assert.equal(e.file, source); // outside the repository: shown as it is
          assert.equal(e.cellIndex, c.cellIndex);
          assert.equal(e.cellId, c.cellId);
          assert.equal(e.line, c.line);
          assert.match(e.reason, c.reason);
          assert.equal(e.message, `${source}: cell ${c.cellIndex} (id ${c.cellId})${c.line ? `, line ${c.line}` : ""}: ${e.reason}`);
          return true;
        },
      );
      assert.equal(fs.existsSync(d.studentDir), false, "nothing written");
      assert.deepEqual(fs.readFileSync(source), before, "the source is untouched");
    });
  }

  test("a notebook of the repository is named by its path from the root, and --check refuses it too", () => {
    const c = gradingCases.find((x) => x.name === "check-not-awaited")!;
    assert.throws(() => makeStudentNotebook(c.notebook, path.join(root, "notebooks", "instructor", "08-x.ipynb")), (e: unknown) => e instanceof GradingError && e.message.startsWith("notebooks/instructor/08-x.ipynb: cell 4 (id chk), line 2: in the check cell"));
    const dir = path.join(tmp, "check-mode");
    const d = { instructorDir: path.join(dir, "instructor"), studentDir: path.join(dir, "student") };
    writeNotebook(path.join(d.instructorDir, "08-x.ipynb"), c.notebook);
    assert.throws(() => checkStudentVersions(d), GradingError);
  });

  test("one bad notebook among good ones: nothing is written", () => {
    const dir = path.join(tmp, "mixed");
    const d = { instructorDir: path.join(dir, "instructor"), studentDir: path.join(dir, "student") };
    writeNotebook(path.join(d.instructorDir, "01-good.ipynb"), goodNotebook);
    writeNotebook(path.join(d.instructorDir, "02-bad.ipynb"), gradingCases[0]!.notebook);
    assert.throws(() => generateStudentVersions(d), /02-bad\.ipynb: cell 2 \(id ex\): exercise with no check cell/);
    assert.equal(fs.existsSync(d.studentDir), false);
    fs.rmSync(path.join(d.instructorDir, "02-bad.ipynb"));
    assert.deepEqual(generateStudentVersions(d).map((g) => path.basename(g.output)), ["01-good.ipynb"]);
  });

  test("a marker error is reported before a grading error", () => {
    // Both notebooks also hold an exercise with no check cell.
    const unclosed = notebook([markdown("# t"), code("// BEGIN SOLUTION\nx();", { id: "open" })]);
    assert.throws(() => makeStudentNotebook(unclosed, "/x/09-y.ipynb"), MarkerError);
    const leftover = notebook([markdown("# t"), code("// BEGIN SOLUTION\nx();\n// END SOLUTION", { id: "ex" }), { cell_type: "raw", id: "raw", metadata: {}, source: "// BEGIN SOLUTION" }]);
    assert.throws(() => makeStudentNotebook(leftover, "/x/09-y.ipynb"), MarkerError);
  });
});
