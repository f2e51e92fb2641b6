// papermill on our TypeScript notebooks, with the translator of python/papermill-typescript (the
// set-up installs it into the course's Python): every JSON type reaches the tslab kernel as the
// TypeScript value, a value TypeScript has no literal for is refused naming the parameter, and the
// source notebook is never written. (Every course notebook also runs under papermill in
// scripts/course-notebooks.test.ts.)
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { jupyterDataDir, readJupyterEnv } from "../jupyter/paths";
import { readNotebook, sourceText, type CodeCell } from "../notebook/nbformat";

const fixture = path.join(__dirname, "fixtures", "all-types.ipynb");
const out = fs.mkdtempSync(path.join(os.tmpdir(), "papermill-test-"));
const python = readJupyterEnv().python;
const env = { ...process.env, JUPYTER_PATH: jupyterDataDir };

after(() => fs.rmSync(out, { recursive: true, force: true }));

function papermill(args: string[]): { status: number | null; stderr: string } {
  const run = spawnSync(path.join(path.dirname(python), "papermill"), [...args, "--no-progress-bar", "--cwd", path.dirname(fixture)], { env, encoding: "utf8", timeout: 180_000 });
  return { status: run.status, stderr: run.stderr };
}

describe("papermill with papermill-typescript", () => {
  it("injects numbers, strings, booleans, null, lists and dicts as TypeScript the kernel runs", () => {
    const before = fs.readFileSync(fixture, "utf8");
    const target = path.join(out, "all-types.ipynb");
    const run = papermill([fixture, target, "-p", "TIME_SCALE", "0.25", "-p", "LABEL", 'say "hi"', "-p", "VERBOSE", "True", "-y", "LIMIT: null\nSIZES: [3, 4.5]\nOPTIONS: {depth: 2, name: x, nested: {list: [true], missing: null}}"]);
    assert.equal(run.status, 0, run.stderr);
    const nb = readNotebook(target);
    const injected = nb.cells.find((c) => c.metadata.tags?.includes("injected-parameters"));
    assert.ok(injected, "papermill added its injected-parameters cell");
    assert.equal(nb.cells.indexOf(injected) - 1, nb.cells.findIndex((c) => c.metadata.tags?.includes("parameters")), "right after the parameters cell");
    assert.match(sourceText(injected.source), /^const TIME_SCALE = 0\.25;$/m);
    const last = nb.cells[nb.cells.length - 1] as CodeCell;
    const printed = last.outputs.map((o) => (o.output_type === "stream" ? sourceText(o.text) : "")).join("");
    assert.deepEqual(JSON.parse(printed), {
      TIME_SCALE: 0.25,
      LABEL: 'say "hi"',
      VERBOSE: true,
      LIMIT: null,
      SIZES: [3, 4.5],
      OPTIONS: { depth: 2, name: "x", nested: { list: [true], missing: null } },
      types: ["number", "string", "boolean"],
    });
    assert.equal(fs.readFileSync(fixture, "utf8"), before, "the source is untouched");
  });

  it("refuses a value TypeScript has no literal for, naming the parameter, before any kernel starts: an object, a function, one nested deep in a dict", () => {
    const before = fs.readFileSync(fixture);
    const cases = {
      object: "{'LIMIT': object()}",
      lambda: "{'LIMIT': lambda x: x}",
      builtin: "{'SIZES': len}",
      "nested Ellipsis": "{'OPTIONS': {'depth': 2, 'nested': {'list': [True, ...]}}}",
      "nested object": "{'OPTIONS': {'nested': {'missing': None, 'undefined': object()}}}",
    };
    const script = `
import papermill
for name, parameters in [${Object.entries(cases).map(([name, value]) => `(${JSON.stringify(name)}, ${value})`).join(", ")}]:
    try:
        papermill.execute_notebook(${JSON.stringify(fixture)}, ${JSON.stringify(path.join(out, "never.ipynb"))}, parameters=parameters)
        print(name, "| accepted")
    except Exception as error:
        print(name, "|", type(error).__name__, error)
`;
    const run = spawnSync(python, ["-c", script], { env, encoding: "utf8", timeout: 60_000 });
    const lines = run.stdout.trim().split("\n");
    assert.equal(lines.length, Object.keys(cases).length, run.stderr);
    const [object, lambda, builtin, nestedEllipsis, nestedObject] = lines;
    const untranslatable = (parameter: string, what: string) => new RegExp(`\\| UntranslatableParameterError parameter ${parameter}: ${what} has no TypeScript literal`);
    assert.match(object!, untranslatable("LIMIT", "object value <object object at .*>"));
    assert.match(lambda!, untranslatable("LIMIT", "function value <function <lambda> at .*>"));
    assert.match(builtin!, untranslatable("SIZES", "builtin_function_or_method value <built-in function len>"));
    assert.match(nestedEllipsis!, untranslatable("OPTIONS", "ellipsis value Ellipsis"));
    assert.match(nestedObject!, untranslatable("OPTIONS", "object value <object object at .*>"));
    assert.equal(fs.existsSync(path.join(out, "never.ipynb")), false);
    assert.deepEqual(fs.readFileSync(fixture), before, "the source is untouched");
  });

  it("reads the parameters cell for papermill --help-notebook", () => {
    const run = spawnSync(path.join(path.dirname(python), "papermill"), ["--help-notebook", fixture], { env, encoding: "utf8", timeout: 60_000 });
    assert.equal(run.status, 0, run.stderr);
    for (const name of ["TIME_SCALE", "LABEL", "VERBOSE", "LIMIT", "SIZES", "OPTIONS"]) assert.match(run.stdout, new RegExp(`\\b${name}\\b`));
    assert.match(run.stdout, /LIMIT: number \| null \(default 10\)/);
  });
});
