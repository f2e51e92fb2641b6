// The student-version generator: notebooks/instructor/NN-topic.ipynb (the sources, solutions included)
// → notebooks/student/NN-topic.ipynb (the hand-out, committed). Pure notebook → notebook transform in
// `makeStudentNotebook`; file handling, the never-overwrite-a-source guard and drift detection below.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { KernelHelpersError } from "kernel-helpers";
import {
  notebooksIn,
  readNotebook,
  serializeNotebook,
  sourceText,
  writeNotebook,
  type Cell,
  type Notebook,
} from "../notebook/nbformat";
import { projectRoot } from "../jupyter/paths";
import { exerciseRoles } from "./grading";
import { MarkerProblem, studentSource } from "./markers";

/** The tag nbclient and our runner read as "this cell is expected to fail". */
export { RAISES_EXCEPTION as RAISES_TAG } from "../notebook/tags";
import { RAISES_EXCEPTION as RAISES_TAG } from "../notebook/tags";

/** Where the generator reads and writes. */
export interface StudentDirs {
  /** @default `<repo>/notebooks/instructor` */
  readonly instructorDir?: string;
  /** @default `<repo>/notebooks/student` */
  readonly studentDir?: string;
}

/** A marker problem, located: file, cell (0-based index and id) and 1-based line in that cell. */
export class MarkerError extends KernelHelpersError {
  constructor(
    readonly file: string,
    readonly cellIndex: number,
    readonly cellId: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super("ERR_STUDENT_MARKER", `${file}: cell ${cellIndex} (id ${cellId}), line ${line}: ${reason}`);
  }
}

/**
 * The notebook breaks a rule that makes it gradable (scripts/student/grading.ts: an exercise with no
 * check cell, a check cell nbgrader cannot grade, a grade id missing or used twice); nbgrader's
 * generate_assignment refuses it with the same message. `line` is 1-based in that cell, when the
 * problem has one.
 */
export class GradingError extends KernelHelpersError {
  constructor(
    readonly file: string,
    readonly cellIndex: number,
    readonly cellId: string,
    readonly line: number | undefined,
    readonly reason: string,
  ) {
    super("ERR_STUDENT_GRADING", `${file}: cell ${cellIndex} (id ${cellId})${line === undefined ? "" : `, line ${line}`}: ${reason}`);
  }
}

/** Throws `GradingError` for the first rule of grading.ts that `nb` breaks. */
export function assertGradable(nb: Notebook, file: string): void {
  const { problem } = exerciseRoles(nb.cells);
  if (problem) throw new GradingError(file, problem.cellIndex, nb.cells[problem.cellIndex]?.id ?? String(problem.cellIndex), problem.line, problem.reason);
}

/** A hand-out on disk holds a student's work (it differs from what the generator wrote there). */
export class StudentWorkError extends KernelHelpersError {
  constructor(readonly files: readonly string[]) {
    super(
      "ERR_STUDENT_WORK",
      `refusing to overwrite ${files.join(", ")}: ${files.length === 1 ? "it holds" : "they hold"} changes made after the generator wrote ${files.length === 1 ? "it" : "them"} (a student's work, or outputs). ` +
        "Copy your work elsewhere first, or run `npm run student -- --force` to regenerate anyway (the old files are kept in build/student-backups/).",
    );
  }
}

/** The generator was asked to write where an instructor source lives. */
export class UnsafeOutputError extends KernelHelpersError {
  constructor(readonly input: string, readonly output: string, reason: string) {
    super("ERR_STUDENT_OUTPUT", `refusing to write the student version of ${input} to ${output}: ${reason}`);
  }
}

function display(file: string): string {
  const rel = path.relative(projectRoot, file);
  return rel.startsWith("..") || path.isAbsolute(rel) ? file : rel;
}

const NOTE_ID = "student-version-note";

function note(instructorFile: string): string {
  return (
    `> **Student version**, generated from \`${instructorFile}\` by \`npm run student\` — do not edit by hand.\n` +
    "> Fill in the cells marked `// YOUR CODE HERE` (and `YOUR ANSWER HERE`); the check cell after each exercise tells you when it is right."
  );
}

/**
 * The student version of one notebook: solution regions stubbed, hidden tests removed, cells whose
 * stub runs tagged `raises-exception`, outputs and execution counts stripped, cell ids kept, and a
 * note (plus `metadata.student`) saying it is generated. `file` names the source in errors and in
 * the note; the result is deterministic, so `--check` can compare it byte for byte. A marker error
 * (`MarkerError`) comes first, then a notebook nbgrader could not grade (`GradingError`).
 */
export function makeStudentNotebook(nb: Notebook, file: string): Notebook {
  const shown = display(file);
  const cells: Cell[] = nb.cells.map((cell, index) => {
    if (cell.cell_type === "raw") return cell;
    let result;
    try {
      result = studentSource(sourceText(cell.source), cell.cell_type);
    } catch (error) {
      if (error instanceof MarkerProblem) throw new MarkerError(shown, index, cell.id, error.line, error.message);
      throw error;
    }
    if (cell.cell_type === "markdown") return { ...cell, source: result.source };
    const { execution, ...metadata } = cell.metadata;
    void execution;
    // A cell without exercise regions keeps the instructor's tags (a deadlock demo raises in both
    // versions); a cell with regions raises in the student version exactly when its stub runs.
    const exercise = result.regions.some((region) => region.kind === "solution");
    const tags = exercise ? (metadata.tags ?? []).filter((t) => t !== RAISES_TAG) : [...(metadata.tags ?? [])];
    if (exercise && result.raises) tags.push(RAISES_TAG);
    if (tags.length > 0) metadata.tags = tags;
    else delete metadata.tags;
    return { ...cell, source: result.source, metadata, outputs: [], execution_count: null };
  });
  const first = cells[0];
  if (first?.cell_type === "markdown") {
    cells[0] = { ...first, source: `${sourceText(first.source).replace(/\s+$/, "")}\n\n${note(shown)}` };
  } else {
    cells.unshift({ cell_type: "markdown", id: NOTE_ID, metadata: {}, source: note(shown) });
  }
  const handout: Notebook = { ...nb, metadata: { ...nb.metadata, student: { generated_from: shown, generator: "npm run student" } }, cells };
  assertNoSolutionText(handout, shown);
  assertGradable(nb, shown);
  return withContentHash(handout);
}

// Any marker left in any cell (raw cells and fenced code in markdown are not stripped) means the
// hand-out would carry solution text: refuse it rather than hand it out.
const LEFTOVER_MARKER = /(BEGIN|END)\s+(SOLUTION|HIDDEN TESTS)/i;

/** The last look before a hand-out is written: no cell of any type may still hold a solution marker. */
export function assertNoSolutionText(nb: Notebook, file: string): void {
  nb.cells.forEach((cell, index) => {
    const lines = sourceText(cell.source).split("\n");
    const line = lines.findIndex((l) => LEFTOVER_MARKER.test(l));
    if (line >= 0) {
      throw new MarkerError(file, index, cell.id, line + 1, `the hand-out would still hold solution text (${JSON.stringify(lines[line]!.trim())} in a ${cell.cell_type} cell, which the generator does not strip): move the solution into a code cell between \`// BEGIN SOLUTION\` and \`// END SOLUTION\`, or remove it`);
    }
  });
}

/** The hash of a hand-out's content, the hash field itself left out: a file whose hash no longer matches was changed after it was generated. */
function contentHash(nb: Notebook): string {
  const student = { ...((nb.metadata.student as Record<string, unknown> | undefined) ?? {}) };
  delete student.content_sha256;
  return createHash("sha256").update(serializeNotebook({ ...nb, metadata: { ...nb.metadata, student } })).digest("hex");
}

function withContentHash(nb: Notebook): Notebook {
  const student = nb.metadata.student as Record<string, unknown>;
  return { ...nb, metadata: { ...nb.metadata, student: { ...student, content_sha256: contentHash(nb) } } };
}

/** Whether the hand-out at `file` was changed since the generator wrote it (hand-outs from before the hash are taken as generated). */
export function holdsStudentWork(file: string): boolean {
  if (!fs.existsSync(file)) return false;
  let nb: Notebook;
  try {
    nb = readNotebook(file);
  } catch {
    return true; // not even a notebook any more: someone's, not ours
  }
  const stored = (nb.metadata.student as { content_sha256?: unknown } | undefined)?.content_sha256;
  return typeof stored === "string" && stored !== contentHash(nb);
}

function resolveDirs(dirs: StudentDirs): { instructorDir: string; studentDir: string } {
  return {
    instructorDir: path.resolve(dirs.instructorDir ?? path.join(projectRoot, "notebooks", "instructor")),
    studentDir: path.resolve(dirs.studentDir ?? path.join(projectRoot, "notebooks", "student")),
  };
}

/** Follows symlinks as far as the path exists, so a link into the sources is caught too. */
function realish(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    const parent = path.dirname(file);
    return parent === file ? file : path.join(realish(parent), path.basename(file));
  }
}

function inside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/** Throws `UnsafeOutputError` when `output` is the input or lies under the instructor folder. */
export function assertSafeOutput(input: string, output: string, instructorDir: string): void {
  const out = realish(path.resolve(output));
  if (out === realish(path.resolve(input))) throw new UnsafeOutputError(display(input), display(output), "that is the input itself");
  if (inside(out, realish(path.resolve(instructorDir)))) {
    throw new UnsafeOutputError(display(input), display(output), `it is inside the instructor folder ${display(instructorDir)}`);
  }
}

/** The instructor sources, sorted: every `*.ipynb` directly in the folder (checkpoints skipped). */
export function instructorNotebooks(dirs: StudentDirs = {}): string[] {
  return notebooksIn(resolveDirs(dirs).instructorDir);
}

export interface GeneratedNotebook {
  readonly input: string;
  readonly output: string;
  /** False when the file on disk already held exactly this content (it is then not rewritten). */
  readonly changed: boolean;
}

/**
 * Writes the student version of each source (default: every instructor notebook), atomically.
 * All sources are transformed before anything is written, so a marker or grading error leaves
 * every file as it was.
 */
export function generateStudentVersions(dirs: StudentDirs = {}, inputs?: readonly string[], options: { readonly force?: boolean; readonly backupDir?: string } = {}): GeneratedNotebook[] {
  const { instructorDir, studentDir } = resolveDirs(dirs);
  const planned = (inputs ?? instructorNotebooks(dirs)).map((input) => {
    const output = path.join(studentDir, path.basename(input));
    assertSafeOutput(input, output, instructorDir);
    const text = serializeNotebook(makeStudentNotebook(readNotebook(input), input));
    const changed = !fs.existsSync(output) || fs.readFileSync(output, "utf8") !== text;
    return { input, output, text, changed, edited: changed && holdsStudentWork(output) };
  });
  const edited = planned.filter((p) => p.edited);
  if (edited.length > 0 && !options.force) throw new StudentWorkError(edited.map((p) => display(p.output)));
  const backupDir = options.backupDir ?? path.join(projectRoot, "build", "student-backups");
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  return planned.map(({ input, output, text, changed, edited: isEdited }) => {
    if (isEdited) {
      fs.mkdirSync(backupDir, { recursive: true });
      fs.copyFileSync(output, path.join(backupDir, `${path.basename(output, ".ipynb")}.${stamp}.ipynb`));
    }
    if (changed) writeNotebook(output, JSON.parse(text) as Notebook);
    return { input, output, changed };
  });
}

export interface StudentDrift {
  /** The student notebook that is missing, out of date, or has no source. */
  readonly student: string;
  readonly instructor?: string;
  readonly problem: "missing" | "out of date" | "no instructor source";
}

/**
 * What `npm run student -- --check` (and CI) reports: every student notebook that differs from what
 * the generator would write now, is missing, or has no instructor source any more. Empty = up to date.
 */
export function checkStudentVersions(dirs: StudentDirs = {}): StudentDrift[] {
  const { studentDir } = resolveDirs(dirs);
  const drift: StudentDrift[] = [];
  const sources = instructorNotebooks(dirs);
  for (const input of sources) {
    const output = path.join(studentDir, path.basename(input));
    const expected = serializeNotebook(makeStudentNotebook(readNotebook(input), input));
    if (!fs.existsSync(output)) drift.push({ student: output, instructor: input, problem: "missing" });
    else if (fs.readFileSync(output, "utf8") !== expected) drift.push({ student: output, instructor: input, problem: "out of date" });
  }
  const names = new Set(sources.map((s) => path.basename(s)));
  if (fs.existsSync(studentDir)) {
    for (const f of fs.readdirSync(studentDir).sort()) {
      if (f.endsWith(".ipynb") && !names.has(f)) drift.push({ student: path.join(studentDir, f), problem: "no instructor source" });
    }
  }
  return drift;
}

export { display as displayPath };
