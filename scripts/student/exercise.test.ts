// A student's view, run for real: take the generated student notebook 01, fill its first exercise
// with a correct answer and with a wrong one, run it headless on the tslab kernel, and read the
// check cell's verdict line: the stub says "not implemented yet", the right answer ✔, the wrong ✘
// with what was expected and what came back.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, test } from "node:test";
import { readNotebook, sourceText, writeNotebook, type Cell, type CodeCell } from "../notebook/nbformat";
import { runNotebook } from "../runner";
import { RAISES_TAG, STUB_COMMENT, STUB_THROW } from "./index";

const root = path.resolve(__dirname, "..", "..");
const studentFile = path.join(root, "notebooks", "student", "01-serial-baseline.ipynb");
// Under the project (build/ is git-ignored) so the kernel resolves kernel-helpers from node_modules.
fs.mkdirSync(path.join(root, "build", "tmp"), { recursive: true });
const tmp = fs.mkdtempSync(path.join(root, "build", "tmp", "student-exercise-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function filled(cell: CodeCell, answer: string, id: string): CodeCell {
  const text = sourceText(cell.source);
  const stub = new RegExp(`^([ \\t]*)${STUB_COMMENT.replace(/[/]/g, "\\/")}\\n[ \\t]*${STUB_THROW.replace(/[()."]/g, "\\$&")}`, "m");
  assert.match(text, stub, "the student exercise cell holds the stub");
  const tags = (cell.metadata.tags ?? []).filter((t) => t !== RAISES_TAG);
  return { ...cell, id, source: text.replace(stub, (_, indent: string) => `${indent}${answer}`), metadata: { ...cell.metadata, tags } };
}

function stdout(cell: Cell | undefined): string {
  assert.ok(cell && cell.cell_type === "code");
  return cell.outputs.filter((o) => o.output_type === "stream" && o.name === "stdout").map((o) => sourceText((o as { text: string | string[] }).text)).join("");
}

test("a filled-in correct answer gets ✔ and a wrong one ✘ with a reason", { timeout: 180_000 }, async () => {
  const nb = readNotebook(studentFile);
  const exIndex = nb.cells.findIndex((c) => c.cell_type === "code" && sourceText(c.source).includes(STUB_COMMENT));
  assert.ok(exIndex > 0, "student notebook 01 has an exercise stub");
  const exercise = nb.cells[exIndex] as CodeCell;
  // The cell only defines cubes(), so the stub does not run there and the cell is not tagged.
  assert.equal(exercise.metadata.tags, undefined);
  const checkIndex = nb.cells.findIndex((c, i) => i > exIndex && c.cell_type === "code");
  const checkCell = nb.cells[checkIndex] as CodeCell;
  assert.match(sourceText(checkCell.source), /await check\(/);

  // Everything up to the first check as the student has it (the stub raises; its check says so),
  // then the same exercise answered right, then answered wrong (squares instead of cubes).
  const cells: Cell[] = [
    ...nb.cells.slice(0, checkIndex + 1),
    filled(exercise, "return xs.map((x) => x ** 3);", "filled-right"),
    { ...checkCell, id: "check-right" },
    filled(exercise, "return xs.map((x) => x * x);", "filled-wrong"),
    { ...checkCell, id: "check-wrong" },
  ];
  const file = path.join(tmp, "01-filled.ipynb");
  writeNotebook(file, { ...nb, cells });

  const result = await runNotebook(file, { parameters: { TIME_SCALE: 0.1 }, outputPath: path.join(tmp, "01-filled.executed.ipynb"), timeoutMs: 60_000, allowFailedChecks: true });
  assert.equal(result.status, "passed", result.error && `cell ${result.error.cellIndex}: ${result.error.ename}: ${result.error.evalue}`);
  const executed = result.notebook!.cells;
  const byId = (cellId: string) => executed.find((c) => c.id === cellId);

  assert.match(stdout(byId(checkCell.id)), /^✘ Exercise 1: cubes of 0…9: not implemented yet/m);
  assert.match(stdout(byId("check-right")), /^✔ Exercise 1: cubes of 0…9: correct$/m);
  assert.match(stdout(byId("check-wrong")), /^✘ Exercise 1: cubes of 0…9: expected \[ 0, 1, 8, 27,.*\], got \[ 0, 1, 4, 9,.*\]$/m);
});
