"""nbgrader on the course's TypeScript notebooks, without nbgrader metadata in the sources.

The instructor notebooks mark exercises the course's way (a code cell with ``// BEGIN SOLUTION`` /
``// END SOLUTION``, then a check cell calling ``await check(...)`` or ``await checkThat(...)``), which
is also what ``npm run student`` reads. ``MarkExerciseCells`` runs first in nbgrader's
``generate_assignment`` and writes the nbgrader cell metadata from those markers: the exercise cell
becomes a solution cell, its check cell a locked, graded test cell worth one point. Under ``autograde``
a failed check throws (kernel-helpers reads ``NBGRADER_EXECUTION``), which is how nbgrader scores a
test cell.

Before it marks anything it checks the notebook against the rules ``npm run student`` also enforces
(scripts/student/grading.ts; the same rules and the same messages, compared by
scripts/instructor-tools/grading-rules.test.ts), and refuses it with a ``NotebookRuleError`` naming
the notebook, the cell (index and id) and, where there is one, the line:

1. Every exercise has a check cell: the next code cell calls ``check(...)`` or ``checkThat(...)``
   outside hidden tests. A prediction cell (a solution cell whose every declaration is a ``predictX``
   passed to ``checkPrediction(name, predictX, ...)`` in a later cell) needs none: the timing after it
   is not graded.
2. nbgrader can grade every check cell: each ``check``/``checkThat`` call in it is awaited (an
   unawaited check fails only after the cell has finished, so the cell passes and a wrong answer
   scores), and it holds no solution region (a cell the student fills in cannot be a locked test).
3. Every cell nbgrader sees as a solution, graded or locked cell has a grade id, unique in the
   notebook: the cells marked here get ``exercise-<cell id>`` / ``check-<cell id>``; a cell given
   nbgrader metadata by hand (JupyterLab's nbgrader toolbar) must carry its own.
"""
import os
import re
import time

from nbgrader.preprocessors import NbGraderPreprocessor

__all__ = ["MarkExerciseCells", "NotebookRuleError", "exercise_roles", "code_only", "CODE_STUB", "TEXT_STUB"]

# The stubs scripts/student/markers.ts writes (STUB_COMMENT, STUB_THROW, MARKDOWN_STUB).
CODE_STUB = '// YOUR CODE HERE\nthrow new Error("not implemented");'
TEXT_STUB = "YOUR ANSWER HERE"

# Everything below mirrors scripts/student/grading.ts line for line: change both together.

_MARKER = re.compile(r"^\s*//\s*(BEGIN|END)\s+(SOLUTION|HIDDEN TESTS)\s*$")
_CHECK_CALL = re.compile(r"(?<![A-Za-z0-9_$.])(check|checkThat)\s*\(")
_AWAITED = re.compile(r"\bawait\s*$")
_PREDICTION_CALL = re.compile(r"(?<![A-Za-z0-9_$.])checkPrediction\s*\(")
_DECLARATION = re.compile(r"^(?:export\s+)?(?:(?:async\s+)?function\s*\*?\s*|(?:const|let|var|class)\s+)([A-Za-z_$][A-Za-z0-9_$]*)", re.M)
_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")
_WORD_CHAR = re.compile(r"[A-Za-z0-9_$]")
_GRADE_ID = re.compile(r"^[A-Za-z0-9_-]+$")
_REGEX_AFTER = set("(,=:[!&|?{};+-*%<>~^")
_REGEX_KEYWORDS = {"return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw", "await", "yield"}
_NEXT_STEP = (
    "Add a check cell right after it that calls `await check(...)` or `await checkThat(...)` "
    "(a prediction instead passes its predictX function to `checkPrediction(name, predictX, ...)` in a later cell)"
)


class NotebookRuleError(ValueError):
    """A notebook breaks a rule of exercises, check cells or grade ids; the message names file, cell and line."""

    def __init__(self, file, index, cell_id, line, reason):
        self.file, self.index, self.cell_id, self.line, self.reason = file, index, cell_id, line, reason
        where = f"cell {index} (id {cell_id})" + (f", line {line}" if line else "")
        super().__init__(f"{file}: {where}: {reason}")


class _Problem(Exception):
    def __init__(self, index, line, reason):
        super().__init__(reason)
        self.index, self.line, self.reason = index, line, reason


def _regex_may_start(out, i):
    """Whether a ``/`` at ``i`` (not ``//`` or ``/*``) opens a regular expression, judged by what precedes it."""
    p = i - 1
    while p >= 0 and out[p].isspace():
        p -= 1
    if p < 0 or out[p] in _REGEX_AFTER:
        return True
    if not _WORD_CHAR.match(out[p]):
        return False
    start = p
    while start > 0 and _WORD_CHAR.match(out[start - 1]):
        start -= 1
    return "".join(out[start : p + 1]) in _REGEX_KEYWORDS


def code_only(text):
    """``text`` with comments and the insides of strings, template literals and regular expressions
    blanked (newlines kept, so offsets and line numbers stay): what is left is code to search for calls.
    The ``${...}`` of a template literal is code."""
    out = list(text)
    n = len(text)

    def blank(a, b):
        for k in range(a, min(b, n)):
            if text[k] != "\n":
                out[k] = " "

    braces = []  # one counter per open `${`: the `}` that closes it returns to the template
    in_template = False
    i = 0
    while i < n:
        if in_template:
            start = i
            while i < n and text[i] != "`" and not text.startswith("${", i):
                i += 2 if text[i] == "\\" else 1
            blank(start, i)
            if i >= n:
                break
            if text[i] == "`":
                in_template = False
                i += 1
            else:
                braces.append(0)
                in_template = False
                i += 2
            continue
        ch = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            blank(i, j)
            i = j
            continue
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            blank(i, j)
            i = j
            continue
        if ch in "'\"":
            j = i + 1
            while j < n and text[j] != ch and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            blank(i + 1, j)
            i = j + 1
            continue
        if ch == "`":
            in_template = True
            i += 1
            continue
        if ch == "{" and braces:
            braces[-1] += 1
        elif ch == "}" and braces:
            if braces[-1] == 0:
                braces.pop()
                in_template = True
                i += 1
                continue
            braces[-1] -= 1
        elif ch == "/" and _regex_may_start(out, i):
            j = i + 1
            in_class = False
            while j < n and text[j] != "\n" and (in_class or text[j] != "/"):
                if text[j] == "\\":
                    j += 1
                elif text[j] == "[":
                    in_class = True
                elif text[j] == "]":
                    in_class = False
                j += 1
            if j < n and text[j] == "/":
                blank(i + 1, j)
                i = j + 1
                continue
        i += 1
    return "".join(out)


def _regions(lines):
    """The marked regions of a code cell as (kind, begin, end), 0-based indices of the marker lines.
    Malformed markers are the generator's and ClearSolutions' business: tolerated here."""
    regions, open_ = [], None
    for k, line in enumerate(lines):
        m = _MARKER.match(line)
        if not m:
            continue
        kind = "solution" if m[2] == "SOLUTION" else "hidden"
        if m[1] == "BEGIN":
            if open_ is None:
                open_ = (kind, k)
        elif open_ is not None and open_[0] == kind:
            regions.append((kind, open_[1], k))
            open_ = None
    if open_ is not None:
        regions.append((open_[0], open_[1], len(lines)))
    return regions


def _line_of(text, offset):
    return text.count("\n", 0, offset) + 1


def _predictors(code):
    """The names passed as the predictor (second argument) of each ``checkPrediction(...)`` call."""
    names = set()
    for m in _PREDICTION_CALL.finditer(code):
        depth, args, start = 0, [], m.end()
        for k in range(m.end(), len(code)):
            c = code[k]
            if c in "([{":
                depth += 1
            elif c in ")]}" and depth > 0:
                depth -= 1
            elif (c == "," or c == ")") and depth == 0:
                args.append(code[start:k].strip())
                start = k + 1
                if c == ")" or len(args) == 2:
                    break
        if len(args) == 2 and _IDENTIFIER.match(args[1]):
            names.add(args[1])
    return names


class _Cell:
    def __init__(self, index, cell):
        self.index = index
        self.type = cell.get("cell_type")
        self.id = cell.get("id", index)
        self.text = cell.get("source", "") if isinstance(cell.get("source", ""), str) else "".join(cell.get("source"))
        self.code = code_only(self.text) if self.type == "code" else ""
        self.regions = _regions(self.text.split("\n")) if self.type == "code" else []
        self.solution = [r for r in self.regions if r[0] == "solution"]
        nbgrader = (cell.get("metadata") or {}).get("nbgrader")
        self.nbgrader = nbgrader if isinstance(nbgrader, dict) else None


def _check_cell_problem(exercise, check):
    """What makes ``check`` (the code cell after ``exercise``, or None) no gradable check cell, if anything."""
    if check is None:
        raise _Problem(exercise.index, None, f"exercise with no check cell: no code cell follows it. {_NEXT_STEP}")
    calls = list(_CHECK_CALL.finditer(check.code))
    if check.solution and calls:
        raise _Problem(
            check.index,
            check.solution[0][1] + 1,
            f"the check cell of the exercise in cell {exercise.index} (id {exercise.id}) holds a solution region: "
            "nbgrader cannot grade a cell the student fills in (a solution cell is no locked test). "
            "Keep the solution in the exercise cell and only checks in the check cell",
        )
    hidden = [r for r in check.regions if r[0] == "hidden"]
    visible = [m for m in calls if not any(b < _line_of(check.code, m.start()) - 1 < e for _, b, e in hidden)]
    if not visible:
        detail = (
            "calls check(...) or checkThat(...) only between `// BEGIN HIDDEN TESTS` and `// END HIDDEN TESTS`, which the hand-out drops"
            if calls
            else "calls neither check(...) nor checkThat(...)"
        )
        raise _Problem(exercise.index, None, f"exercise with no check cell: the next code cell, cell {check.index} (id {check.id}), {detail}. {_NEXT_STEP}")
    for m in calls:
        if not _AWAITED.search(check.code, 0, m.start()):
            name = m[1]
            raise _Problem(
                check.index,
                _line_of(check.code, m.start()),
                f"in the check cell of the exercise in cell {exercise.index} (id {exercise.id}), `{name}(...)` is not awaited: "
                "nbgrader grades a check cell by whether it throws, and an unawaited check fails only after the cell has finished, "
                f"so the cell passes and a wrong answer scores the point. Write `await {name}(...)`",
            )


def _grade_id_problem(cells, roles):
    ids = {}  # grade id -> the cell that has it
    for index, role in roles.items():
        ids[f"{'check' if role == 'check' else 'exercise'}-{cells[index].id}"] = cells[index]
    for cell in cells:
        if cell.index in roles or cell.nbgrader is None:
            continue
        marks = [k for k in ("solution", "grade", "locked") if cell.nbgrader.get(k)]
        if not marks:
            continue
        grade_id = cell.nbgrader.get("grade_id")
        if not isinstance(grade_id, str) or grade_id == "":
            raise _Problem(
                cell.index,
                None,
                f"its nbgrader metadata makes it a {' and '.join(marks)} cell but gives no grade id: set one in the nbgrader toolbar, "
                "or remove the cell's nbgrader metadata (exercise and check cells need none: they are marked from `// BEGIN SOLUTION`)",
            )
        if not _GRADE_ID.match(grade_id):
            raise _Problem(cell.index, None, f'grade id "{grade_id}" may hold only letters, digits, _ and - (nbgrader\'s rule)')
        other = ids.get(grade_id)
        if other is not None:
            raise _Problem(cell.index, None, f'grade id "{grade_id}" is also the grade id of cell {other.index} (id {other.id}): grade ids must be unique in a notebook')
        ids[grade_id] = cell


def exercise_roles(cells):
    """``{index: "exercise" | "prediction" | "check"}`` for a notebook's cells (nbformat dicts); raises
    ``_Problem`` (index, line, reason) for the first rule the notebook breaks."""
    cells = [_Cell(i, c) for i, c in enumerate(cells)]
    code = [c for c in cells if c.type == "code"]
    # predicted_after[k]: the predictors passed to checkPrediction in the code cells after code[k]
    predicted_after, seen = [set() for _ in code], set()
    for k in range(len(code) - 1, -1, -1):
        predicted_after[k] = set(seen)
        seen |= _predictors(code[k].code)
    roles = {}
    for k, cell in enumerate(code):
        if not cell.solution:
            continue
        declared = _DECLARATION.findall(cell.code)
        later = predicted_after[k]
        if declared and all(name in later for name in declared):
            roles[cell.index] = "prediction"
            continue
        roles[cell.index] = "exercise"
        check = code[k + 1] if k + 1 < len(code) else None
        _check_cell_problem(cell, check)
        roles[check.index] = "check"
    _grade_id_problem(cells, roles)
    return roles


def _notebook_file(resources):
    meta = resources.get("metadata") or {}
    name = meta.get("name") or resources.get("unique_key")
    if not name:
        return "the notebook"
    file = os.path.normpath(os.path.join(meta.get("path") or "", f"{name}.ipynb"))
    rel = os.path.relpath(file)
    return file if rel.startswith("..") else rel


class MarkExerciseCells(NbGraderPreprocessor):
    """Checks the rules above, then: exercise and prediction cells → nbgrader solution cells; each
    exercise's check cell → a graded, locked test cell worth one point."""

    def preprocess(self, nb, resources):
        try:
            roles = exercise_roles(nb.cells)
        except _Problem as problem:
            cell = nb.cells[problem.index]
            error = NotebookRuleError(_notebook_file(resources), problem.index, cell.get("id", problem.index), problem.line, problem.reason)
            self.log.error("%s", error)
            raise error from None
        for index, role in roles.items():
            cell = nb.cells[index]
            if role == "check":
                cell.metadata["nbgrader"] = {"solution": False, "grade": True, "locked": True, "points": 1, "grade_id": f"check-{cell.get('id', index)}", "schema_version": 3}
            else:
                cell.metadata["nbgrader"] = {"solution": True, "grade": False, "locked": False, "grade_id": f"exercise-{cell.get('id', index)}", "schema_version": 3}
        return nb, resources


from nbgrader.preprocessors import Execute  # noqa: E402


# tslab aborts every request that arrives within 200 ms of an error (status "abort", no output): a
# check cell run right after a failing stub would be skipped and, having no error, score full points.
ABORT_WINDOW_S = 0.25


# `TypeError: msg`, `Error [ERR_X]: msg`, `CheckFailedError: ✘ …` (as scripts/runner/outputs.ts reads them).
_ERROR_HEADER = re.compile(r"^([A-Za-z_$][\w$.]*(?:Error|Exception|Interrupt))(?: \[[^\]]*\])?: (.*)$")


class TslabExecute(Execute):
    """nbgrader's Execute, for tslab. tslab's error replies carry no ``ename``/``evalue``/``traceback``
    (the error is stderr text), and nbgrader reads them to record a failed cell: fill them in from the
    cell's stderr. After an error, wait out tslab's abort window before the next cell, and record a cell
    that was aborted anyway as failed, so a check cell never passes by not running."""

    def on_cell_executed(self, **kwargs):
        content = kwargs["execute_reply"]["content"]
        if content.get("status") == "abort":
            content.update(status="error", ename="CellAborted", evalue="tslab aborted this cell (it arrived right after an error)", traceback=[])
        if content.get("status") == "error":
            time.sleep(ABORT_WINDOW_S)
        if content.get("status") == "error" and "ename" not in content:
            stderr = "".join(o.get("text", "") for o in kwargs["cell"].outputs if o.get("output_type") == "stream" and o.get("name") == "stderr")
            lines = [line for line in stderr.strip().splitlines() if line.strip()]
            # The error's header (`CheckFailedError: ✘ …`) stands before its `    at …` frames; a
            # kernel-helpers error in a notebook prints only the cell's frames, or none.
            header = next((line for line in lines if _ERROR_HEADER.match(line)), lines[-1] if lines else "the cell failed")
            match = _ERROR_HEADER.match(header)
            content["ename"] = match.group(1) if match else "Error"
            content["evalue"] = match.group(2) if match else header
            content["traceback"] = stderr.splitlines() or [header]
        return super().on_cell_executed(**kwargs)


__all__.append("TslabExecute")
