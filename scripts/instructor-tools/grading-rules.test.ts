// The grading rules in nbgrader (MarkExerciseCells in python/nbgrader-typescript), run for real:
// `nbgrader generate_assignment` refuses each bad notebook of scripts/student/fixtures/grading-cases.ts
// with the very message `npm run student` gives (notebook, cell index and id, line), exits non-zero,
// leaves nothing of that assignment in release/ and never touches the source; and the premise of the
// "await every check" rule, checked on the tslab kernel: with nbgrader's own metadata and none of our
// rules, an unawaited check lets a wrong answer score. The course folders are made under build/ (the
// kernel resolves kernel-helpers from the notebook's folder upwards).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { jupyterDataDir, projectRoot, readJupyterEnv } from "../jupyter/paths";
import { code, markdown, notebook, notebooksIn, readNotebook, sourceText, writeNotebook, type Cell, type CellMetadata, type Notebook } from "../notebook/nbformat";
import { GradingError, codeOnly, exerciseRoles, makeStudentNotebook } from "../student";
import { goodNotebook, gradingCases } from "../student/fixtures/grading-cases";

const python = readJupyterEnv().python;
const bin = path.dirname(python);
const env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}`, JUPYTER_PATH: jupyterDataDir };
fs.mkdirSync(path.join(projectRoot, "build"), { recursive: true });
const courses: string[] = [];
after(() => {
  for (const dir of courses) fs.rmSync(dir, { recursive: true, force: true });
});

function newCourse(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(projectRoot, "build", prefix));
  courses.push(dir);
  fs.copyFileSync(path.join(projectRoot, "nbgrader_config.py"), path.join(dir, "nbgrader_config.py"));
  return dir;
}

function nbgrader(course: string, args: string[]): { status: number | null; stderr: string } {
  const run = spawnSync(path.join(bin, "nbgrader"), args, { cwd: course, env, encoding: "utf8", timeout: 300_000 });
  return { status: run.status, stderr: run.stderr };
}

/** What `npm run student` says about a notebook, without its file name. */
function generatorMessage(nb: Notebook): string {
  try {
    makeStudentNotebook(nb, "FILE");
  } catch (error) {
    assert.ok(error instanceof GradingError, String(error));
    return error.message.slice("FILE: ".length);
  }
  assert.fail("npm run student accepted the notebook");
}

const nbgraderMeta = (cell: Cell) => (cell.metadata as { nbgrader?: { solution?: boolean; grade?: boolean } }).nbgrader;

describe("nbgrader generate_assignment refuses what npm run student refuses", () => {
  let course: string;
  let run: { status: number | null; stderr: string };
  const sources = new Map<string, Buffer>();

  before(() => {
    course = newCourse("grading-rules-");
    // One assignment per bad notebook (nbgrader goes on to the next assignment after a failure), a
    // good one, and one holding a good and a bad notebook.
    const put = (assignment: string, name: string, nb: Notebook) => {
      const file = path.join(course, "source", assignment, `${name}.ipynb`);
      writeNotebook(file, nb);
      sources.set(file, fs.readFileSync(file));
    };
    for (const c of gradingCases) put(c.name, c.name, c.notebook);
    put("good", "good", goodNotebook);
    put("mixed", "a-good", goodNotebook);
    put("mixed", "b-bad", gradingCases[0]!.notebook);
    run = nbgrader(course, ["generate_assignment", "*", "--create", "--force"]);
  });

  it("exits non-zero", () => {
    assert.notEqual(run.status, 0, run.stderr.slice(-2000));
  });

  for (const c of gradingCases) {
    it(`${c.name}: logs the generator's message naming the notebook and cell ${c.cellIndex} (id ${c.cellId}), releases nothing`, () => {
      const expected = `[GenerateAssignmentApp | ERROR] source/${c.name}/${c.name}.ipynb: ${generatorMessage(c.notebook)}`;
      assert.ok(run.stderr.split("\n").includes(expected), `expected the line\n${expected}\nin nbgrader's output:\n${run.stderr.split("\n").filter((l) => l.includes(`source/${c.name}/`)).join("\n")}`);
      assert.match(expected, new RegExp(`: cell ${c.cellIndex} \\(id ${c.cellId}\\)${c.line ? `, line ${c.line}` : ""}: `));
      assert.equal(fs.existsSync(path.join(course, "release", c.name)), false, "nothing half-written in release/");
    });
  }

  it("releases the good notebook, grading the check cells grading.ts finds and clearing the exercise and prediction", () => {
    const released = readNotebook(path.join(course, "release", "good", "good.ipynb"));
    const { roles } = exerciseRoles(goodNotebook.cells);
    const graded = released.cells.flatMap((c, i) => (nbgraderMeta(c)?.grade ? [i] : []));
    const solutions = released.cells.flatMap((c, i) => (nbgraderMeta(c)?.solution ? [i] : []));
    assert.deepEqual(graded, [...[...roles].filter(([, r]) => r === "check").map(([i]) => i), 9].sort((a, b) => a - b), "check cells and the hand-marked answer");
    assert.deepEqual(solutions, [...[...roles].filter(([, r]) => r !== "check").map(([i]) => i), 9].sort((a, b) => a - b));
    assert.doesNotMatch(JSON.stringify(released), /BEGIN SOLUTION/);
  });

  it("removes the whole assignment when one of its notebooks is refused", () => {
    assert.ok(run.stderr.split("\n").includes(`[GenerateAssignmentApp | ERROR] source/mixed/b-bad.ipynb: ${generatorMessage(gradingCases[0]!.notebook)}`));
    assert.equal(fs.existsSync(path.join(course, "release", "mixed")), false);
  });

  it("leaves every source notebook byte for byte as it was", () => {
    for (const [file, bytes] of sources) assert.deepEqual(fs.readFileSync(file), bytes, file);
  });
});

describe("Python's and TypeScript's code scanners agree", () => {
  it("on every code cell of the course and of the fixtures", () => {
    const texts = [
      ...notebooksIn(path.join(projectRoot, "notebooks", "instructor")).flatMap((f) => readNotebook(f).cells),
      ...gradingCases.flatMap((c) => c.notebook.cells),
      ...goodNotebook.cells,
    ]
      .filter((c) => c.cell_type === "code")
      .map((c) => sourceText(c.source));
    texts.push("a = b / c / d; e = /[/]\\//g; f = `x${`y${'z'}`}`; // tail", "'unterminated\nx = \"\\\"\" /* open");
    const run = spawnSync(python, ["-c", "import json, sys\nfrom nbgrader_typescript import code_only\nprint(json.dumps([code_only(t) for t in json.load(sys.stdin)]))"], { input: JSON.stringify(texts), env, encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    const fromPython = JSON.parse(run.stdout) as string[];
    texts.forEach((t, i) => assert.equal(fromPython[i], codeOnly(t), `cell text:\n${t}`));
  });
});

describe("why check calls must be awaited: autograde on the tslab kernel, without our rules", () => {
  const scores = new Map<string, number>();
  // Two exercises with nbgrader's own metadata: the first check awaited, the second not.
  const meta = (nbgraderFields: Record<string, unknown>) => ({ nbgrader: { schema_version: 3, solution: false, grade: false, locked: false, ...nbgraderFields } }) as CellMetadata;
  const solution = (name: string, value: number) => code(`function ${name}(): number {\n  // BEGIN SOLUTION\n  return ${value};\n  // END SOLUTION\n}`, { id: name, metadata: meta({ solution: true, grade_id: name }) });
  const test = (id: string, source: string) => code(source, { id, metadata: meta({ grade: true, locked: true, points: 1, grade_id: id }) });
  const source = notebook([
    markdown("# Awaited and unawaited checks", { id: "title" }),
    code('import { check } from "kernel-helpers";', { id: "imports" }),
    solution("first", 42),
    test("awaited", 'await check("first", () => first(), 42);'),
    solution("second", 42),
    test("unawaited", 'check("second", () => second(), 42);'),
  ]);

  before(() => {
    const course = newCourse("grading-await-");
    // nbgrader's own preprocessors: the notebook carries its metadata and nothing refuses it.
    fs.appendFileSync(path.join(course, "nbgrader_config.py"), '\nc.GenerateAssignment.preprocessors = GenerateAssignment.class_traits()["preprocessors"].default()\n');
    writeNotebook(path.join(course, "source", "ps", "awaits.ipynb"), source);
    const generated = nbgrader(course, ["generate_assignment", "ps", "--create", "--force"]);
    assert.equal(generated.status, 0, generated.stderr.slice(-2000));
    // A submission answering both exercises wrong.
    const released = readNotebook(path.join(course, "release", "ps", "awaits.ipynb"));
    const wrong: Notebook = { ...released, cells: released.cells.map((c) => (nbgraderMeta(c)?.solution ? { ...c, source: sourceText(c.source).replace(/\/\/ YOUR CODE HERE\n\s*throw new Error\("not implemented"\);/, "return 41;") } : c)) };
    assert.equal(wrong.cells.filter((c) => sourceText(c.source).includes("return 41;")).length, 2);
    writeNotebook(path.join(course, "submitted", "student", "ps", "awaits.ipynb"), wrong);
    const graded = nbgrader(course, ["autograde", "ps", "--create", "--force"]);
    assert.equal(graded.status, 0, graded.stderr.slice(-2000));
    const query = spawnSync(python, ["-c", `
import json
from nbgrader.api import Gradebook
with Gradebook("sqlite:///${path.join(course, "gradebook.db")}") as gb:
    print(json.dumps({g.name: g.score for g in gb.find_submission_notebook("awaits", "ps", "student").grades}))
`], { env, encoding: "utf8" });
    assert.equal(query.status, 0, query.stderr);
    for (const [name, score] of Object.entries(JSON.parse(query.stdout) as Record<string, number>)) scores.set(name, score);
  });

  it("an awaited check fails the wrong answer", () => {
    assert.equal(scores.get("awaited"), 0);
  });

  it("an unawaited check gives the wrong answer the point, which is why the rules refuse it", () => {
    assert.equal(scores.get("unawaited"), 1);
    const { problem } = exerciseRoles(source.cells);
    assert.deepEqual(problem && [problem.cellIndex, problem.line], [5, 1]);
    assert.match(problem!.reason, /`check\(\.\.\.\)` is not awaited/);
  });
});
