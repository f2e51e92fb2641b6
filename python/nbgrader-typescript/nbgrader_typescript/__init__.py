"""nbgrader on the course's TypeScript notebooks, without nbgrader metadata in the sources.

The instructor notebooks mark exercises the course's way (a code cell with ``// BEGIN SOLUTION`` /
``// END SOLUTION``, then a check cell calling ``check(...)`` or ``checkThat(...)``), which is also
what ``npm run student`` reads. ``MarkExerciseCells`` runs first in nbgrader's ``generate_assignment``
and writes the nbgrader cell metadata from those markers: the exercise cell becomes a solution cell,
its check cell a locked, graded test cell worth one point. Under ``autograde`` a failed check throws
(kernel-helpers reads ``NBGRADER_EXECUTION``), which is how nbgrader scores a test cell.
"""
import re
import time

from nbgrader.preprocessors import NbGraderPreprocessor

__all__ = ["MarkExerciseCells", "CODE_STUB", "TEXT_STUB"]

# The stubs scripts/student/markers.ts writes (STUB_COMMENT, STUB_THROW, MARKDOWN_STUB).
CODE_STUB = '// YOUR CODE HERE\nthrow new Error("not implemented");'
TEXT_STUB = "YOUR ANSWER HERE"

_SOLUTION = re.compile(r"^\s*//\s*BEGIN SOLUTION\s*$", re.M)
_CHECK = re.compile(r"\b(?:check|checkThat)\(")


class MarkExerciseCells(NbGraderPreprocessor):
    """Exercise cells → nbgrader solution cells; the check cell right after each → a graded, locked test cell."""

    def preprocess(self, nb, resources):
        exercise = None
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            if _SOLUTION.search(cell.source):
                cell.metadata["nbgrader"] = {"solution": True, "grade": False, "locked": False, "grade_id": f"exercise-{cell.get('id', index)}", "schema_version": 3}
                exercise = cell
                continue
            # An exercise's check is the code cell right after it (docs/DEVELOPING.md); a prediction's
            # next cell is the timing it predicts, which is not graded.
            if exercise is not None and _CHECK.search(cell.source):
                cell.metadata["nbgrader"] = {"solution": False, "grade": True, "locked": True, "points": 1, "grade_id": f"check-{cell.get('id', index)}", "schema_version": 3}
            exercise = None
        return nb, resources


from nbgrader.preprocessors import Execute  # noqa: E402


# tslab aborts every request that arrives within 200 ms of an error (status "abort", no output): a
# check cell run right after a failing stub would be skipped and, having no error, score full points.
ABORT_WINDOW_S = 0.25


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
            last = next((line for line in reversed(stderr.strip().splitlines()) if line.strip()), "the cell failed")
            name, _, value = last.partition(": ")
            content["ename"] = name if value and " " not in name else "Error"
            content["evalue"] = value if value and " " not in name else last
            content["traceback"] = stderr.splitlines() or [last]
        return super().on_cell_executed(**kwargs)


__all__.append("TslabExecute")
