# nbgrader for this course (https://nbgrader.readthedocs.io): run nbgrader in a course directory holding
# this file and source/<assignment>/<notebook>.ipynb copied from notebooks/instructor/, with
# JUPYTER_PATH pointing at this repository's build/jupyter (the TypeScript kernel). The exercise and
# check cells are found from the course's own markers (python/nbgrader-typescript), so the sources
# carry no nbgrader metadata and `npm run student` and `nbgrader generate_assignment` hand out the same
# stubs (scripts/instructor-tools/nbgrader.test.ts compares them).
from nbgrader.converters.autograde import Autograde
from nbgrader.converters.generate_assignment import GenerateAssignment
from nbgrader.preprocessors import Execute
from nbgrader_typescript import CODE_STUB, TEXT_STUB, MarkExerciseCells, TslabExecute

c = get_config()  # noqa: F821 (nbgrader provides it)
c.CourseDirectory.course_id = "parallel-typescript"
c.ClearSolutions.code_stub = {"typescript": CODE_STUB}
c.ClearSolutions.text_stub = TEXT_STUB
c.GenerateAssignment.preprocessors = [MarkExerciseCells, *GenerateAssignment.class_traits()["preprocessors"].default()]
# tslab reports errors as stderr text: the autograder's executor reads them from there.
c.Autograde.autograde_preprocessors = [TslabExecute if p is Execute else p for p in Autograde.class_traits()["autograde_preprocessors"].default()]
# The notebooks run their demos at TIME_SCALE = 1 under the autograder: allow a slow cell.
c.ExecutePreprocessor.timeout = 600
