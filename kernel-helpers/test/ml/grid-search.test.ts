import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { GridSearchCV, InvalidArgumentError, NotFittedError, SVC, cpuCount, formatFitLine, gridSearch, makeClassification, shutdownReusablePools, type FitResult } from "kernel-helpers";
import { processTree } from "../../../scripts/runner/processes";
import { sklearnMissing, withSklearn } from "./sklearn";

// The notebook's problem, scaled down so a search takes well under a second.
const { X, y } = makeClassification({ nSamples: 1500, nFeatures: 4, nInformative: 2, nRedundant: 2, randomState: 0 });
const paramGrid = { C: [0.001, 0.025, 2.5, 10], kernel: ["rbf", "poly"] };

/** What must not depend on where the fits ran. */
function outcome(search: GridSearchCV) {
  const r = search.cvResults;
  return { params: r.params, split: r.splitTestScores, mean: r.meanTestScore, rank: r.rankTestScore, best: search.bestParams, score: search.bestScore };
}

/** This process's descendants. */
const children = () => [...processTree(process.pid).keys()].filter((pid) => pid !== process.pid).sort((a, b) => a - b);
const readOr = (file: string, fallback: string) => {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return fallback;
  }
};

describe("GridSearchCV", () => {
  let serial: GridSearchCV;
  const lines: string[] = [];
  after(() => shutdownReusablePools());
  before(async () => {
    serial = await gridSearch(new SVC(), X, y, { paramGrid, cv: 2, verbose: 3, print: (l) => lines.push(l) });
  });

  it("matches scikit-learn's GridSearchCV: each grid point within 1 percentage point, same best parameters", async (t) => {
    const missing = await sklearnMissing();
    if (missing) return t.skip(missing);
    const theirs = await withSklearn<{ mean: number[]; params: Record<string, unknown>[]; best: Record<string, unknown>; rank: number[] }>(
      { X, y, paramGrid },
      `
from sklearn.svm import SVC
from sklearn.model_selection import GridSearchCV
s = GridSearchCV(SVC(), data["paramGrid"], cv=2).fit(np.array(data["X"]), data["y"])
result = {"mean": s.cv_results_["mean_test_score"], "params": s.cv_results_["params"], "best": s.best_params_, "rank": s.cv_results_["rank_test_score"]}
`,
    );
    assert.deepEqual(serial.cvResults.params, theirs.params);
    serial.cvResults.meanTestScore.forEach((m, i) =>
      assert.ok(Math.abs(m - theirs.mean[i]) <= 0.01, `${JSON.stringify(theirs.params[i])}: ours ${m}, sklearn ${theirs.mean[i]}`),
    );
    assert.deepEqual(serial.bestParams, theirs.best);
    assert.deepEqual(serial.cvResults.rankTestScore, theirs.rank);
  });

  it("summarises like cv_results_ and refits the best candidate on all data", () => {
    const r = serial.cvResults;
    assert.equal(r.params.length, 8);
    assert.equal(serial.nSplits, 2);
    r.meanTestScore.forEach((m, i) => assert.ok(Math.abs(m - (r.splitTestScores[0][i] + r.splitTestScores[1][i]) / 2) < 1e-12));
    r.stdTestScore.forEach((s, i) => assert.ok(Math.abs(s - Math.abs(r.splitTestScores[0][i] - r.splitTestScores[1][i]) / 2) < 1e-12));
    assert.equal(Math.max(...r.meanTestScore), serial.bestScore);
    assert.equal(r.rankTestScore[serial.bestIndex], 1);
    assert.ok(r.meanFitTimeMs.every((ms) => ms > 0));
    const best = serial.bestEstimator;
    assert.deepEqual({ C: best.getParams().C, kernel: best.getParams().kernel }, serial.bestParams);
    assert.ok(serial.score(X, y) > 0.85);
  });

  it("logs like scikit-learn at verbose 3: a header and one right-aligned line per fit", () => {
    assert.equal(lines[0], "Fitting 2 folds for each of 8 candidates, totalling 16 fits");
    assert.equal(lines.length, 17);
    for (const line of lines.slice(1)) {
      assert.match(line, /^\[CV [12]\/2\] END \.+C=[\d.]+, kernel=(rbf|poly);, score=0\.\d{3} total time= +\d+\.\ds$/);
      assert.equal(line.length, 80);
    }
    const fake: FitResult = { candidateIndex: 0, splitIndex: 0, testScore: 0.9123, fitTimeMs: 1150, scoreTimeMs: 50, pid: 1, threadId: 0 };
    assert.equal(
      formatFitLine(fake, { C: 10, kernel: "rbf" }, 2, 3),
      "[CV 1/2] END ..................C=10, kernel=rbf;, score=0.912 total time=   1.2s",
    );
  });

  for (const backend of ["threads", "processes", "graph"] as const) {
    it(`gives the serial answer on all cores (${backend})`, async () => {
      const parallel = await gridSearch(new SVC(), X, y, { paramGrid, cv: 2, nJobs: -1, backend, refit: false });
      assert.deepEqual(outcome(parallel), outcome(serial));
      assert.throws(() => parallel.bestEstimator, NotFittedError);
    });
  }

  it("keeps its worker processes for the next search, as joblib does, until shutdownReusablePools()", async () => {
    await shutdownReusablePools(); // earlier tests' workers
    // Pool workers only: tsx's esbuild services are children too, started when it first compiles.
    const workers = () => children().filter((pid) => readOr(`/proc/${pid}/cmdline`, "").includes("process-worker.js"));
    const search = () => gridSearch(new SVC(), X, y, { paramGrid, cv: 2, nJobs: -1, backend: "processes", refit: false });
    await search();
    const first = workers();
    assert.equal(first.length, cpuCount());
    assert.deepEqual(outcome(await search()), outcome(serial));
    assert.deepEqual(workers(), first);
    await shutdownReusablePools();
    assert.deepEqual(workers(), []);
  });

  it("stops its fits when aborted, and the next search still runs", async () => {
    const controller = new AbortController();
    let fits = 0;
    // Abort as the first fit reports (verbose 2 prints a line per fit): the other seven are queued or running.
    const print = (line: string) => line.startsWith("[CV") && (fits++, controller.abort(new Error("stop the search")));
    const aborted = gridSearch(new SVC(), X, y, { paramGrid, cv: 2, nJobs: -1, backend: "threads", refit: false, signal: controller.signal, verbose: 2, print });
    await assert.rejects(aborted, /stop the search/);
    assert.ok(fits < 8, `all ${fits} fits ran`);
    assert.deepEqual(outcome(await gridSearch(new SVC(), X, y, { paramGrid, cv: 2, nJobs: -1, backend: "threads", refit: false })), outcome(serial));
    await shutdownReusablePools();
  });

  it("does not keep a script alive: its idle workers let it exit", () => {
    const script = `
      const { gridSearch, SVC, makeClassification } = require("kernel-helpers");
      const { X, y } = makeClassification({ nSamples: 300, nFeatures: 4, randomState: 0 });
      gridSearch(new SVC(), X, y, { paramGrid: { C: [1, 10] }, cv: 2, nJobs: -1 }).then((s) => console.log(JSON.stringify(s.bestParams)));`;
    const started = Date.now();
    const run = spawnSync(process.execPath, ["-e", script], { cwd: __dirname, encoding: "utf8", timeout: 120_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /"C":/);
    assert.ok(Date.now() - started < 60_000, "the script waited for its idle workers");
  });

  it("rejects bad options, naming them", async () => {
    assert.throws(() => new GridSearchCV(new SVC(), { paramGrid: { C: [] } }), /paramGrid.C/);
    assert.throws(() => new GridSearchCV(new SVC(), { paramGrid, nJobs: 0 }), (e: unknown) => e instanceof InvalidArgumentError && /nJobs/.test(e.message));
    await assert.rejects(gridSearch(new SVC(), X, y, { paramGrid: { Cost: [1] } }), /Unknown SVC parameter `Cost`/);
    await assert.rejects(gridSearch(new SVC(), X, y.slice(1), { paramGrid }), /one label per sample/);
    assert.throws(() => new GridSearchCV(new SVC(), { paramGrid }).bestParams, NotFittedError);
  });
});
