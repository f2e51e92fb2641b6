// The student-version generator's API, for the CLI and the tests.
export * from "./generate";
export { studentSource, stubRuns, STUB_COMMENT, STUB_THROW, MARKDOWN_STUB, type Region, type StudentSource } from "./markers";
export { codeOnly, exerciseRoles, type ExerciseRole, type GradingProblem } from "./grading";
