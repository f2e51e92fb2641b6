// The generator never hands out solution text (in any cell type) and never overwrites a student's
// work without being told to, and then keeps a backup.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { code, markdown, notebook, readNotebook, sourceText, writeNotebook, type Cell } from "../notebook/nbformat";
import { MarkerError, StudentWorkError, generateStudentVersions, holdsStudentWork } from "./index";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "student-work-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

let count = 0;
function course(cells: Cell[]): { dirs: { instructorDir: string; studentDir: string }; source: string; handout: string; backups: string } {
  const base = path.join(tmp, `course-${++count}`);
  const dirs = { instructorDir: path.join(base, "instructor"), studentDir: path.join(base, "student") };
  fs.mkdirSync(dirs.instructorDir, { recursive: true });
  const source = path.join(dirs.instructorDir, "01-topic.ipynb");
  writeNotebook(source, notebook(cells));
  return { dirs, source, handout: path.join(dirs.studentDir, "01-topic.ipynb"), backups: path.join(base, "backups") };
}

const exercise = () => [markdown("# Topic"), code("function f(): number {\n  // BEGIN SOLUTION\n  return 42;\n  // END SOLUTION\n}"), code('await check("f", () => f(), 42);')];

describe("solution text never reaches a hand-out", () => {
  for (const [where, cell] of [
    ["a raw cell", { cell_type: "raw", id: "raw-1", metadata: {}, source: "// BEGIN SOLUTION\nreturn 42;\n// END SOLUTION" } as Cell],
    ["fenced code in markdown", markdown("The answer:\n\n```ts\n// BEGIN SOLUTION\nreturn 42;\n// END SOLUTION\n```")],
    ["a hidden-tests marker in markdown", markdown("<!-- BEGIN HIDDEN TESTS -->")],
  ] as const) {
    test(`a marker in ${where} is refused, naming file, cell and line, and nothing is written`, () => {
      const c = course([...exercise(), cell]);
      assert.throws(
        () => generateStudentVersions(c.dirs),
        (e: unknown) => e instanceof MarkerError && e.code === "ERR_STUDENT_MARKER" && e.cellIndex === 3 && /solution text|looks like a marker/.test(e.message) && e.message.includes("01-topic.ipynb"),
      );
      assert.equal(fs.existsSync(c.handout), false);
    });
  }
});

describe("a student's work in a hand-out", () => {
  test("a fresh hand-out is the generator's own and is rewritten quietly", () => {
    const c = course(exercise());
    generateStudentVersions(c.dirs);
    assert.equal(holdsStudentWork(c.handout), false);
    writeNotebook(c.source, notebook([...exercise(), markdown("A new paragraph.")]));
    const [result] = generateStudentVersions(c.dirs);
    assert.equal(result!.changed, true);
  });

  test("an edited hand-out is refused with the file named, untouched, and overwritten with --force after a backup", () => {
    const c = course(exercise());
    generateStudentVersions(c.dirs);
    const nb = readNotebook(c.handout);
    const stub = nb.cells[1]!;
    stub.source = sourceText(stub.source).replace('throw new Error("not implemented");', "return 41; // my attempt");
    writeNotebook(c.handout, nb);
    const studentText = fs.readFileSync(c.handout, "utf8");
    assert.equal(holdsStudentWork(c.handout), true);
    writeNotebook(c.source, notebook([...exercise(), markdown("The instructor changed this.")]));
    assert.throws(() => generateStudentVersions(c.dirs), (e: unknown) => e instanceof StudentWorkError && e.message.includes("01-topic.ipynb") && /--force/.test(e.message));
    assert.equal(fs.readFileSync(c.handout, "utf8"), studentText, "the student's work is untouched");
    generateStudentVersions(c.dirs, undefined, { force: true, backupDir: c.backups });
    const [backup] = fs.readdirSync(c.backups);
    assert.match(backup!, /^01-topic\..+\.ipynb$/);
    assert.equal(fs.readFileSync(path.join(c.backups, backup!), "utf8"), studentText, "the backup holds the student's work");
    assert.match(fs.readFileSync(c.handout, "utf8"), /The instructor changed this/);
  });

  test("an edited hand-out is refused even when its source did not change (regenerating would undo the notes)", () => {
    const c = course(exercise());
    generateStudentVersions(c.dirs);
    const nb = readNotebook(c.handout);
    nb.cells.push(markdown("my notes"));
    writeNotebook(c.handout, nb);
    assert.throws(() => generateStudentVersions(c.dirs), StudentWorkError);
  });
});
