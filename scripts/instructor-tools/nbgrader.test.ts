// nbgrader on the course, with nbgrader_config.py and python/nbgrader-typescript: its own
// generate_assignment hands out the same stubs as `npm run student`, and its autograde gives full
// points to a submission filled with the solutions and zero, with readable feedback, to an unfilled
// one. The course folder is made under build/ (the kernel resolves kernel-helpers from the notebook's
// folder upwards, so it must sit inside the repository), never in notebooks/.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { jupyterDataDir, projectRoot, readJupyterEnv } from "../jupyter/paths";
import { notebooksIn, readNotebook, sourceText, type Cell, type Notebook } from "../notebook/nbformat";
import { exerciseRoles } from "../student";

const python = readJupyterEnv().python;
const bin = path.dirname(python);
const env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}`, JUPYTER_PATH: jupyterDataDir };
fs.mkdirSync(path.join(projectRoot, "build"), { recursive: true });
const course = fs.mkdtempSync(path.join(projectRoot, "build", "nbgrader-test-"));
const instructorDir = path.join(projectRoot, "notebooks", "instructor");
const studentDir = path.join(projectRoot, "notebooks", "student");

function nbgrader(args: string[]): string {
  const run = spawnSync(path.join(bin, "nbgrader"), args, { cwd: course, env, encoding: "utf8", timeout: 600_000 });
  assert.equal(run.status, 0, `nbgrader ${args.join(" ")} failed:\n${run.stderr.slice(-3000)}`);
  assert.doesNotMatch(run.stderr, /\| ERROR\]/, `nbgrader ${args.join(" ")} logged errors:\n${run.stderr.slice(-3000)}`);
  return run.stderr;
}

const isSolution = (cell: Cell) => (cell.metadata as { nbgrader?: { solution?: boolean } }).nbgrader?.solution === true;

before(() => {
  fs.copyFileSync(path.join(projectRoot, "nbgrader_config.py"), path.join(course, "nbgrader_config.py"));
  fs.mkdirSync(path.join(course, "source", "course"), { recursive: true });
  for (const file of notebooksIn(instructorDir)) fs.copyFileSync(file, path.join(course, "source", "course", path.basename(file)));
  // The notebooks read ../../datasets/ from their folder: <course>/<step>/<assignment>/ and <course>/<step>/<student>/<assignment>/.
  for (const dir of ["", "submitted", "autograded"]) {
    fs.mkdirSync(path.join(course, dir), { recursive: true });
    fs.symlinkSync(path.join(projectRoot, "datasets"), path.join(course, dir, "datasets"));
  }
  nbgrader(["generate_assignment", "course", "--create", "--force"]);
});

after(() => fs.rmSync(course, { recursive: true, force: true }));

describe("nbgrader generate_assignment", () => {
  for (const file of notebooksIn(instructorDir)) {
    const name = path.basename(file);
    it(`hands out ${name} with the same exercise stubs as npm run student`, () => {
      const released = readNotebook(path.join(course, "release", "course", name));
      const ours = new Map(readNotebook(path.join(studentDir, name)).cells.map((c) => [c.id, sourceText(c.source)]));
      const exercises = released.cells.filter(isSolution);
      assert.ok(exercises.length > 0, `${name}: nbgrader found no exercise`);
      for (const cell of exercises) assert.equal(sourceText(cell.source), ours.get(cell.id), `${name}, cell ${cell.id}: nbgrader's stub differs from npm run student's`);
      assert.doesNotMatch(JSON.stringify(released), /BEGIN SOLUTION|END SOLUTION/, `${name}: solution markers in nbgrader's release`);
    });

    it(`grades in ${name} exactly the check cells npm run student's rules find (a prediction's timing is not graded)`, () => {
      const released = readNotebook(path.join(course, "release", "course", name));
      const { roles, problem } = exerciseRoles(readNotebook(file).cells);
      assert.equal(problem, undefined);
      const meta = (c: Cell) => (c.metadata as { nbgrader?: { solution?: boolean; grade?: boolean } }).nbgrader;
      assert.deepEqual(released.cells.flatMap((c, i) => (meta(c)?.grade ? [i] : [])), [...roles].filter(([, r]) => r === "check").map(([i]) => i).sort((a, b) => a - b));
      assert.deepEqual(released.cells.flatMap((c, i) => (meta(c)?.solution ? [i] : [])), [...roles].filter(([, r]) => r !== "check").map(([i]) => i).sort((a, b) => a - b));
    });
  }
});

describe("nbgrader autograde on notebook 04", () => {
  const name = "04-word-lengths.ipynb";
  const scores = new Map<string, { score: number; max: number }>();

  before(() => {
    const released = readNotebook(path.join(course, "release", "course", name));
    const solutions = new Map(readNotebook(path.join(instructorDir, name)).cells.map((c) => [c.id, c.source]));
    const filled: Notebook = { ...released, cells: released.cells.map((c) => (isSolution(c) ? { ...c, source: solutions.get(c.id)! } : c)) };
    for (const [student, nb] of [["filled", filled], ["unfilled", released]] as const) {
      fs.mkdirSync(path.join(course, "submitted", student, "course"), { recursive: true });
      for (const file of fs.readdirSync(path.join(course, "release", "course"))) {
        const target = path.join(course, "submitted", student, "course", file);
        if (file === name) fs.writeFileSync(target, JSON.stringify(nb, null, 1));
        else fs.copyFileSync(path.join(course, "release", "course", file), target);
      }
    }
    // Only notebook 04 is graded here (the others would take minutes at TIME_SCALE 1): drop the rest.
    for (const student of ["filled", "unfilled"]) {
      for (const file of fs.readdirSync(path.join(course, "submitted", student, "course"))) if (file !== name) fs.rmSync(path.join(course, "submitted", student, "course", file));
    }
    nbgrader(["autograde", "course", "--create", "--force"]);
    nbgrader(["generate_feedback", "course", "--force"]);
    const query = spawnSync(python, ["-c", `
import json
from nbgrader.api import Gradebook
with Gradebook("sqlite:///${path.join(course, "gradebook.db")}") as gb:
    print(json.dumps({s: [gb.find_submission_notebook("${name.replace(".ipynb", "")}", "course", s).score, gb.find_submission_notebook("${name.replace(".ipynb", "")}", "course", s).max_score] for s in ("filled", "unfilled")}))
`], { env, encoding: "utf8" });
    assert.equal(query.status, 0, query.stderr);
    for (const [student, [score, max]] of Object.entries(JSON.parse(query.stdout) as Record<string, [number, number]>)) scores.set(student, { score, max });
  });

  it("gives full points to the solutions", () => {
    const { score, max } = scores.get("filled")!;
    assert.ok(max >= 3, `expected at least the 3 exercises of 04 graded, got ${max} points`);
    assert.equal(score, max);
  });

  it("gives zero points to an unfilled hand-out, with feedback that says what to do", () => {
    assert.equal(scores.get("unfilled")!.score, 0);
    const feedback = fs.readFileSync(path.join(course, "feedback", "unfilled", "course", name.replace(".ipynb", ".html")), "utf8");
    assert.match(feedback, /not implemented yet — fill in the exercise above and run it again/);
    assert.match(feedback, /Exercise 4: word lengths with pool\.map/);
    // Each failed check is recorded under its own name, not as an anonymous Error or a stack line.
    const graded = JSON.parse(fs.readFileSync(path.join(course, "autograded", "unfilled", "course", name), "utf8")) as { cells: { outputs?: { output_type: string; ename?: string; evalue?: string }[] }[] };
    const errors = graded.cells.flatMap((c) => c.outputs ?? []).filter((o) => o.output_type === "error");
    assert.ok(errors.some((o) => o.ename === "CheckFailedError" && /^✘ Exercise/.test(o.evalue ?? "")), JSON.stringify(errors.map((o) => [o.ename, o.evalue])));
  });
});
