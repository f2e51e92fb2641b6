// `npm run student [-- NOTEBOOK ...]`: writes notebooks/student/ from notebooks/instructor/.
// `npm run student -- --check`: writes nothing; exits 1 listing every student notebook that is out of
// date (CI runs this, so a solution change without a regenerated hand-out fails the build).
import path from "node:path";
import { checkStudentVersions, displayPath, generateStudentVersions } from "./generate";

const USAGE = `usage: npm run student [-- --check] [--force] [notebooks/instructor/NN-topic.ipynb ...]
  --check   write nothing; exit 1 if a hand-out differs from what the generator would write
  --force   also overwrite hand-outs changed since they were generated (a student's work): the old
            files are kept in build/student-backups/`;

export function main(args: readonly string[]): number {
  const unknown = args.filter((a) => a.startsWith("-") && a !== "--check" && a !== "--force" && a !== "--help");
  if (unknown.length > 0 || args.includes("--help")) {
    console.error(unknown.length > 0 ? `student: unknown option ${unknown.join(", ")}\n${USAGE}` : USAGE);
    return unknown.length > 0 ? 2 : 0;
  }
  try {
    if (args.includes("--check")) {
      const drift = checkStudentVersions();
      if (drift.length === 0) {
        console.log("student: every student notebook is up to date");
        return 0;
      }
      for (const d of drift) console.error(`student: ${displayPath(d.student)}: ${d.problem}${d.instructor ? ` (source ${displayPath(d.instructor)})` : ""}`);
      console.error(`student: ${drift.length} notebook(s) differ from the generator's output: run \`npm run student\` and commit notebooks/student/`);
      return 1;
    }
    const inputs = args.filter((a) => !a.startsWith("-")).map((a) => path.resolve(a));
    const done = generateStudentVersions({}, inputs.length > 0 ? inputs : undefined, { force: args.includes("--force") });
    for (const g of done) console.log(`student: ${displayPath(g.output)} ${g.changed ? "written" : "unchanged"} (from ${displayPath(g.input)})`);
    if (done.length === 0) console.log("student: no instructor notebooks found");
    return 0;
  } catch (error) {
    console.error(`student: ${(error as Error).message}`);
    return 1;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
