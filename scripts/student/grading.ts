// The rules that make a notebook gradable, shared with nbgrader: `npm run student` refuses a notebook
// that breaks one (GradingError, in generate.ts), and nbgrader's generate_assignment refuses it too
// (MarkExerciseCells in python/nbgrader-typescript mirrors these rules and messages, reading the markers
// itself where this file uses markers.ts; scripts/instructor-tools/grading-rules.test.ts runs both on
// the same notebooks).
//
// 1. Every exercise has a check cell. An exercise is a code cell with a `// BEGIN SOLUTION` region;
//    its check cell is the next code cell (markdown between is fine), which must call `check(...)` or
//    `checkThat(...)` outside hidden tests (the hand-out drops those). A prediction is not an exercise:
//    a solution cell whose every column-0 declaration is a `predictX` passed as the predictor (second
//    argument) of `checkPrediction(...)` in a later code cell; the timing after it is not graded.
// 2. nbgrader can grade every check cell: each `check(`/`checkThat(` call in it is awaited (nbgrader
//    scores a test cell by whether it throws; an unawaited check rejects after the cell has finished,
//    so the cell passes and a wrong answer scores, as autograde on the tslab kernel shows), and it
//    holds no solution region (a cell the student fills in cannot be a locked test cell).
// 3. Every cell nbgrader sees as a solution, graded or locked cell has a grade id, unique in the
//    notebook: exercise, prediction and check cells get `exercise-<cell id>` / `check-<cell id>` from
//    MarkExerciseCells; a cell given nbgrader metadata by hand (JupyterLab's nbgrader toolbar) must
//    carry its own, of letters, digits, `_` and `-`.
//
// Calls and declarations are searched in the code only: comments and the insides of strings,
// template literals and regular expressions are blanked first (`codeOnly`).
import { sourceText, type Cell } from "../notebook/nbformat";
import { MarkerProblem, studentSource } from "./markers";

export type ExerciseRole = "exercise" | "prediction" | "check";

/** The first rule a notebook breaks: the cell (0-based index), the 1-based line in it when there is one, and why. */
export interface GradingProblem {
  readonly cellIndex: number;
  readonly line: number | undefined;
  readonly reason: string;
}

const CHECK_CALL = /(?<![A-Za-z0-9_$.])(check|checkThat)\s*\(/g;
const AWAITED = /\bawait\s*$/;
const PREDICTION_CALL = /(?<![A-Za-z0-9_$.])checkPrediction\s*\(/g;
const DECLARATION = /^(?:export\s+)?(?:(?:async\s+)?function\s*\*?\s*|(?:const|let|var|class)\s+)([A-Za-z_$][A-Za-z0-9_$]*)/gm;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const WORD_CHAR = /[A-Za-z0-9_$]/;
const GRADE_ID = /^[A-Za-z0-9_-]+$/;
const REGEX_AFTER = new Set("(,=:[!&|?{};+-*%<>~^");
const REGEX_KEYWORDS = new Set(["return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw", "await", "yield"]);
const NEXT_STEP =
  "Add a check cell right after it that calls `await check(...)` or `await checkThat(...)` " +
  "(a prediction instead passes its predictX function to `checkPrediction(name, predictX, ...)` in a later cell)";

class Problem extends Error {
  constructor(readonly cellIndex: number, readonly line: number | undefined, readonly reason: string) {
    super(reason);
  }
}

/** Whether a `/` at `i` (not `//` or `/*`) opens a regular expression, judged by what precedes it. */
function regexMayStart(out: string[], i: number): boolean {
  let p = i - 1;
  while (p >= 0 && /\s/.test(out[p]!)) p--;
  if (p < 0 || REGEX_AFTER.has(out[p]!)) return true;
  if (!WORD_CHAR.test(out[p]!)) return false;
  let start = p;
  while (start > 0 && WORD_CHAR.test(out[start - 1]!)) start--;
  return REGEX_KEYWORDS.has(out.slice(start, p + 1).join(""));
}

/**
 * `text` with comments and the insides of strings, template literals and regular expressions blanked
 * (newlines kept, so offsets and line numbers stay): what is left is code to search for calls. The
 * `${...}` of a template literal is code.
 */
export function codeOnly(text: string): string {
  const out = text.split(""); // UTF-16 code units, as `text` is indexed
  const n = text.length;
  const blank = (a: number, b: number) => {
    for (let k = a; k < Math.min(b, n); k++) if (text[k] !== "\n") out[k] = " ";
  };
  const braces: number[] = []; // one counter per open `${`: the `}` that closes it returns to the template
  let inTemplate = false;
  let i = 0;
  while (i < n) {
    if (inTemplate) {
      const start = i;
      while (i < n && text[i] !== "`" && !text.startsWith("${", i)) i += text[i] === "\\" ? 2 : 1;
      blank(start, i);
      if (i >= n) break;
      if (text[i] === "`") {
        inTemplate = false;
        i += 1;
      } else {
        braces.push(0);
        inTemplate = false;
        i += 2;
      }
      continue;
    }
    const ch = text[i]!;
    if (text.startsWith("//", i)) {
      let j = text.indexOf("\n", i);
      j = j < 0 ? n : j;
      blank(i, j);
      i = j;
      continue;
    }
    if (text.startsWith("/*", i)) {
      let j = text.indexOf("*/", i + 2);
      j = j < 0 ? n : j + 2;
      blank(i, j);
      i = j;
      continue;
    }
    if (ch === "'" || ch === '"') {
      let j = i + 1;
      while (j < n && text[j] !== ch && text[j] !== "\n") j += text[j] === "\\" ? 2 : 1;
      blank(i + 1, j);
      i = j + 1;
      continue;
    }
    if (ch === "`") {
      inTemplate = true;
      i += 1;
      continue;
    }
    if (ch === "{" && braces.length > 0) {
      braces[braces.length - 1]!++;
    } else if (ch === "}" && braces.length > 0) {
      if (braces[braces.length - 1] === 0) {
        braces.pop();
        inTemplate = true;
        i += 1;
        continue;
      }
      braces[braces.length - 1]!--;
    } else if (ch === "/" && regexMayStart(out, i)) {
      let j = i + 1;
      let inClass = false;
      while (j < n && text[j] !== "\n" && (inClass || text[j] !== "/")) {
        if (text[j] === "\\") j += 1;
        else if (text[j] === "[") inClass = true;
        else if (text[j] === "]") inClass = false;
        j += 1;
      }
      if (j < n && text[j] === "/") {
        blank(i + 1, j);
        i = j + 1;
        continue;
      }
    }
    i += 1;
  }
  return out.join("");
}

type Region = readonly [kind: "solution" | "hidden", begin: number, end: number];

/**
 * The marked regions of a code cell as [kind, begin, end], 0-based indices of the marker lines, as
 * the generator reads them (markers.ts). Malformed markers are its business (it refuses them first),
 * so here a cell with any counts as having none.
 */
function regions(text: string): Region[] {
  try {
    return studentSource(text, "code").regions.map((r) => [r.kind, r.beginLine - 1, r.endLine - 1] as const);
  } catch (error) {
    if (error instanceof MarkerProblem) return [];
    throw error;
  }
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let k = 0; k < offset; k++) if (text[k] === "\n") line++;
  return line;
}

/** The names passed as the predictor (second argument) of each `checkPrediction(...)` call. */
function predictors(code: string): Set<string> {
  const names = new Set<string>();
  for (const m of code.matchAll(PREDICTION_CALL)) {
    const open = m.index + m[0].length;
    let depth = 0;
    let start = open;
    const args: string[] = [];
    for (let k = open; k < code.length; k++) {
      const c = code[k]!;
      if ("([{".includes(c)) depth++;
      else if (")]}".includes(c) && depth > 0) depth--;
      else if ((c === "," || c === ")") && depth === 0) {
        args.push(code.slice(start, k).trim());
        start = k + 1;
        if (c === ")" || args.length === 2) break;
      }
    }
    if (args.length === 2 && IDENTIFIER.test(args[1]!)) names.add(args[1]!);
  }
  return names;
}

interface CellInfo {
  readonly index: number;
  readonly type: Cell["cell_type"];
  readonly id: string | number;
  readonly code: string;
  readonly regions: readonly Region[];
  readonly solution: readonly Region[];
  readonly nbgrader: Record<string, unknown> | undefined;
}

function info(cell: Cell, index: number): CellInfo {
  const text = sourceText(cell.source ?? "");
  const isCode = cell.cell_type === "code";
  const found = isCode ? regions(text) : [];
  const nbgrader = cell.metadata?.nbgrader;
  return {
    index,
    type: cell.cell_type,
    id: cell.id ?? index,
    code: isCode ? codeOnly(text) : "",
    regions: found,
    solution: found.filter((r) => r[0] === "solution"),
    nbgrader: nbgrader !== null && typeof nbgrader === "object" && !Array.isArray(nbgrader) ? (nbgrader as Record<string, unknown>) : undefined,
  };
}

/** Throws `Problem` when `check` (the code cell after `exercise`, or undefined) is no gradable check cell. */
function checkCellProblem(exercise: CellInfo, check: CellInfo | undefined): asserts check is CellInfo {
  if (check === undefined) throw new Problem(exercise.index, undefined, `exercise with no check cell: no code cell follows it. ${NEXT_STEP}`);
  const calls = [...check.code.matchAll(CHECK_CALL)];
  if (check.solution.length > 0 && calls.length > 0) {
    throw new Problem(
      check.index,
      check.solution[0]![1] + 1,
      `the check cell of the exercise in cell ${exercise.index} (id ${exercise.id}) holds a solution region: ` +
        "nbgrader cannot grade a cell the student fills in (a solution cell is no locked test). " +
        "Keep the solution in the exercise cell and only checks in the check cell",
    );
  }
  const hidden = check.regions.filter((r) => r[0] === "hidden");
  const visible = calls.filter((m) => !hidden.some(([, b, e]) => b < lineOf(check.code, m.index) - 1 && lineOf(check.code, m.index) - 1 < e));
  if (visible.length === 0) {
    const detail =
      calls.length > 0
        ? "calls check(...) or checkThat(...) only between `// BEGIN HIDDEN TESTS` and `// END HIDDEN TESTS`, which the hand-out drops"
        : "calls neither check(...) nor checkThat(...)";
    throw new Problem(exercise.index, undefined, `exercise with no check cell: the next code cell, cell ${check.index} (id ${check.id}), ${detail}. ${NEXT_STEP}`);
  }
  for (const m of calls) {
    if (!AWAITED.test(check.code.slice(0, m.index))) {
      const name = m[1]!;
      throw new Problem(
        check.index,
        lineOf(check.code, m.index),
        `in the check cell of the exercise in cell ${exercise.index} (id ${exercise.id}), \`${name}(...)\` is not awaited: ` +
          "nbgrader grades a check cell by whether it throws, and an unawaited check fails only after the cell has finished, " +
          `so the cell passes and a wrong answer scores the point. Write \`await ${name}(...)\``,
      );
    }
  }
}

function gradeIdProblem(cells: readonly CellInfo[], roles: ReadonlyMap<number, ExerciseRole>): void {
  const ids = new Map<string, CellInfo>(); // grade id -> the cell that has it
  for (const [index, role] of roles) ids.set(`${role === "check" ? "check" : "exercise"}-${cells[index]!.id}`, cells[index]!);
  for (const cell of cells) {
    if (roles.has(cell.index) || cell.nbgrader === undefined) continue;
    const meta = cell.nbgrader;
    const marks = (["solution", "grade", "locked"] as const).filter((k) => Boolean(meta[k]));
    if (marks.length === 0) continue;
    const gradeId = meta.grade_id;
    if (typeof gradeId !== "string" || gradeId === "") {
      throw new Problem(
        cell.index,
        undefined,
        `its nbgrader metadata makes it a ${marks.join(" and ")} cell but gives no grade id: set one in the nbgrader toolbar, ` +
          "or remove the cell's nbgrader metadata (exercise and check cells need none: they are marked from `// BEGIN SOLUTION`)",
      );
    }
    if (!GRADE_ID.test(gradeId)) throw new Problem(cell.index, undefined, `grade id "${gradeId}" may hold only letters, digits, _ and - (nbgrader's rule)`);
    const other = ids.get(gradeId);
    if (other !== undefined) {
      throw new Problem(cell.index, undefined, `grade id "${gradeId}" is also the grade id of cell ${other.index} (id ${other.id}): grade ids must be unique in a notebook`);
    }
    ids.set(gradeId, cell);
  }
}

/**
 * Each exercise, prediction and check cell of a notebook by index, or the first rule the notebook
 * breaks (rules 1 and 2 exercise by exercise, then rule 3 cell by cell, as MarkExerciseCells does).
 */
export function exerciseRoles(nbCells: readonly Cell[]): { roles: Map<number, ExerciseRole>; problem?: GradingProblem } {
  const cells = nbCells.map(info);
  const code = cells.filter((c) => c.type === "code");
  // predictedAfter[k]: the predictors passed to checkPrediction in the code cells after code[k]
  const predictedAfter: Set<string>[] = code.map(() => new Set());
  const seen = new Set<string>();
  for (let k = code.length - 1; k >= 0; k--) {
    predictedAfter[k] = new Set(seen);
    for (const name of predictors(code[k]!.code)) seen.add(name);
  }
  const roles = new Map<number, ExerciseRole>();
  try {
    code.forEach((cell, k) => {
      if (cell.solution.length === 0) return;
      const declared = [...cell.code.matchAll(DECLARATION)].map((m) => m[1]!);
      if (declared.length > 0 && declared.every((name) => predictedAfter[k]!.has(name))) {
        roles.set(cell.index, "prediction");
        return;
      }
      roles.set(cell.index, "exercise");
      const check = code[k + 1];
      checkCellProblem(cell, check);
      roles.set(check.index, "check");
    });
    gradeIdProblem(cells, roles);
  } catch (error) {
    if (error instanceof Problem) return { roles, problem: { cellIndex: error.cellIndex, line: error.line, reason: error.reason } };
    throw error;
  }
  return { roles };
}
