import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  ChartRenderError,
  InvalidArgumentError,
  type TaskEvent,
  amdahlFit,
  barChartSpec,
  graphChartLayout,
  graphChartSpec,
  lineChartSpec,
  renderSvg,
  scatterChartSpec,
  speedupChartSpec,
  speedupPoints,
  taskStreamChartSpec,
  type VegaLiteSpec,
} from "kernel-helpers";
import type { Element } from "@xmldom/xmldom";
import { parseChart } from "./svg";

const sweep = [1, 2, 4, 8].map((workers) => ({ workers, seconds: 8 * (0.2 + 0.8 / workers) }));

const inc = {
  nodes: [
    { id: "x", label: "x = 1", kind: "data" },
    { id: "inc-1", label: "inc" },
    { id: "inc-2", label: "inc" },
    { id: "sum", label: "sum" },
  ],
  edges: [
    { from: "x", to: "inc-1" },
    { from: "x", to: "inc-2" },
    { from: "inc-1", to: "sum" },
    { from: "inc-2", to: "sum" },
  ],
};

function events(): TaskEvent[] {
  const t0 = 1.7e12;
  return Array.from({ length: 9 }, (_, i) => ({
    taskId: i,
    workerId: i % 3,
    start: t0 + 100 * Math.floor(i / 3),
    end: t0 + 100 * Math.floor(i / 3) + 80,
    label: i < 6 ? "map" : "reduce",
    ok: i !== 4,
  }));
}

describe("chart specs render to SVG with their axes, marks and series", () => {
  it("bar: one bar and one value label per timing, in the given order", async () => {
    const chart = parseChart(await renderSvg(barChartSpec({ serial: 4.12, threads: 4.3, processes: 2.2 }, { title: "CPU-bound" })));
    assert.deepEqual(chart.titles, ["CPU-bound"]);
    assert.deepEqual(chart.axisTitles, ["time (s)"]);
    assert.deepEqual(chart.marks, { rect: 3, text: 3 });
    const texts = Array.from(chart.root.getElementsByTagName("text") as unknown as ArrayLike<{ textContent: string }>).map((t) => t.textContent);
    assert.ok(texts.indexOf("serial") < texts.indexOf("threads") && texts.indexOf("threads") < texts.indexOf("processes"), texts.join("|"));
    assert.ok(texts.includes("4.12") && texts.includes("2.2"));
  });

  it("bar accepts { label, seconds } rows and rejects a row without seconds", () => {
    assert.deepEqual((barChartSpec([{ label: "a", seconds: 1 }]).data as { values: unknown[] }).values, [{ label: "a", lines: "a", seconds: 1 }]);
    assert.throws(() => barChartSpec([{ label: "a", seconds: Number.NaN }]), (e: unknown) => e instanceof InvalidArgumentError && /row 0.*seconds.*NaN/.test(e.message));
  });

  it("bar: long labels wrap onto lines and keep every word (three UV_THREADPOOL_SIZE bars stay apart)", async () => {
    const labels = [1, 2, 4].map((n) => `together, UV_THREADPOOL_SIZE=${n}`);
    const spec = barChartSpec([...labels.map((label, i) => ({ label, seconds: i + 1 })), { label: "2 processes × 1 libuv threads", seconds: 1 }]);
    const svg = await renderSvg(spec);
    const chart = parseChart(svg);
    assert.equal(chart.marks.rect, 4, "four bars, none merged");
    assert.ok(!svg.includes("…"), "no label cut with an ellipsis");
    const tspans = Array.from(chart.root.getElementsByTagName("tspan") as unknown as ArrayLike<{ textContent: string }>).map((t) => t.textContent);
    for (const n of [1, 2, 4]) assert.ok(tspans.includes(`UV_THREADPOOL_SIZE=${n}`), tspans.join("|"));
    assert.ok(tspans.includes("2 processes × 1 libuv") && tspans.includes("threads"), tspans.join("|"));
    assert.ok((spec.height as number) >= 14 * 8, "height grows with the lines");
  });

  it("speedup: measured, ideal and Amdahl series with the course's axis titles", async () => {
    const chart = parseChart(await renderSvg(speedupChartSpec(sweep, { amdahl: true, xTitle: "n processes" })));
    assert.deepEqual(chart.axisTitles, ["n processes", "relative speedup"]);
    assert.deepEqual(chart.legendLabels, ["measured", "ideal", "Amdahl, f = 0.200"]);
    assert.match(chart.titles[1]!, /serial fraction f = 0\.200 \(speedup never above 5×\)/);
    assert.equal(chart.marks.symbol, 4, "one point per measurement");
    assert.equal(chart.marks.line, 3, "measured, ideal and fitted lines");
    const plain = parseChart(await renderSvg(speedupChartSpec(sweep, { ideal: false })));
    assert.deepEqual(plain.legendLabels, ["measured"]);
    assert.deepEqual(plain.axisTitles, ["n workers", "relative speedup"]);
  });

  it("speedupPoints: T(base)/T(n) against the median of repeats; amdahlFit recovers f exactly", () => {
    const points = speedupPoints([
      { workers: 1, seconds: 9 },
      { workers: 1, seconds: 10 },
      { workers: 1, seconds: 11 },
      { workers: 2, ms: 5000 },
      { workers: 4, speedup: 3 },
    ]);
    assert.deepEqual(points.map((p) => p.speedup), [10 / 9, 1, 10 / 11, 2, 3]);
    const fit = amdahlFit(speedupPoints(sweep));
    assert.ok(Math.abs(fit.serialFraction - 0.2) < 1e-12, String(fit.serialFraction));
    assert.ok(Math.abs(fit.predict(8) - 1 / (0.2 + 0.8 / 8)) < 1e-9);
    assert.throws(() => amdahlFit([{ workers: 1, speedup: 1 }]), InvalidArgumentError);
    assert.throws(() => speedupPoints([{ workers: 0, seconds: 1 }]), /row 0 needs a positive integer `workers`, received 0/);
  });

  it("scatter: one point per row, coloured by class with a legend", async () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({ f0: i % 7, f1: i % 5, label: i % 2 ? "red" : "blue", big: new Float64Array(1000) }));
    const spec = scatterChartSpec(rows, { x: "f0", y: "f1", color: "label" });
    assert.ok(!JSON.stringify(spec).includes("big"), "only drawn fields reach the spec");
    const chart = parseChart(await renderSvg(spec));
    assert.deepEqual(chart.axisTitles, ["f0", "f1"]);
    assert.deepEqual(chart.legendLabels.sort(), ["blue", "red"]);
    assert.equal(chart.marks.symbol, 40);
    const encoding = spec.encoding as { color: { scale?: { domain: string[]; range: string[] } } };
    assert.deepEqual(encoding.color.scale, { domain: ["blue", "red"], range: ["#4c78a8", "#e45756"] }, "classes named after colours keep them");
    assert.throws(() => scatterChartSpec([{ a: 1 }], { x: "a", y: "b" }), /row 0 needs a finite number in `b`, received undefined/);
  });

  it("line: one line per series on a log axis", async () => {
    const rows = [1, 2, 4, 8].flatMap((c) => [
      { c, s: 1 / c, m: "map" },
      { c, s: 2 / c, m: "imap" },
    ]);
    const chart = parseChart(await renderSvg(lineChartSpec(rows, { x: "c", y: "s", color: "m", logX: true, xTitle: "chunk size", yTitle: "time (s)" })));
    assert.deepEqual(chart.axisTitles, ["chunk size", "time (s)"]);
    assert.deepEqual(chart.legendLabels.sort(), ["imap", "map"]);
    assert.equal(chart.marks.line, 2);
    assert.equal(chart.marks.symbol, 8);
    assert.throws(() => lineChartSpec([{ x: 0, y: 1 }], { logX: true }), /logX needs positive x values, received 0/);
  });

  it("taskStream: one bar per task, one row per worker, coloured by label, failures outlined", async () => {
    const spec = taskStreamChartSpec(events());
    const chart = parseChart(await renderSvg(spec));
    assert.deepEqual(chart.axisTitles, ["seconds since first start", "worker"]);
    assert.deepEqual(chart.legendLabels, ["map", "reduce"]);
    assert.equal(chart.marks.rect, 9);
    const values = (spec.data as { values: { start: number; end: number; ok: boolean }[] }).values;
    assert.deepEqual([values[0]!.start, values[8]!.end], [0, 0.28]);
    assert.equal(values.filter((v) => !v.ok).length, 1);
    const bars = Array.from(chart.root.getElementsByTagName("g") as unknown as ArrayLike<Element>).find((g) => g.getAttribute("class")?.includes("mark-rect role-mark"))!;
    const outlined = Array.from(bars.getElementsByTagName("path") as unknown as ArrayLike<Element>).filter((p) => p.getAttribute("stroke") === "#d62728");
    assert.equal(outlined.length, 1, "the failed task has a red outline");
    const separated = Array.from(bars.getElementsByTagName("path") as unknown as ArrayLike<Element>).filter((p) => p.getAttribute("stroke") === "white");
    assert.equal(separated.length, 8, "every other task has a white outline, so back-to-back tasks on one worker stay apart");
    assert.throws(() => taskStreamChartSpec([]), InvalidArgumentError);
    assert.throws(() => taskStreamChartSpec([{ taskId: 1, workerId: 0, start: 5, end: 4 }]), /event 0 needs finite epoch-ms `start` <= `end`, received start 5, end 4/);
  });

  it("graph: circles for tasks, boxes for data, an arrow per edge, inputs at the bottom", async () => {
    const layout = graphChartLayout(inc);
    const y = Object.fromEntries(layout.nodes.map((n) => [n.id, n.y]));
    assert.ok(y.x! > y["inc-1"]! && y["inc-1"]! > y.sum!, JSON.stringify(y));
    assert.deepEqual(layout.nodes.map((n) => n.shape), ["box", "circle", "circle", "circle"]);
    const chart = parseChart(await renderSvg(graphChartSpec(inc)));
    assert.deepEqual(chart.marks, { line: 4, symbol: 4 + 3, rect: 1, text: 4 });
    const labels = Array.from(chart.root.getElementsByTagName("text") as unknown as ArrayLike<{ textContent: string }>).map((t) => t.textContent);
    for (const label of ["x = 1", "inc", "sum", "Task graph"]) assert.ok(labels.includes(label), `${label} in ${labels.join("|")}`);
    assert.throws(() => graphChartSpec({ nodes: inc.nodes, edges: [{ from: "x", to: "nope" }] }), /edges\[0\]\.to is not a node id, received "nope"/);
    assert.throws(() => graphChartSpec({ nodes: [{ id: "a" }, { id: "a" }], edges: [] }), /nodes\[1\] repeats the id "a"/);
  });

  it("a large graph is scaled down to maxWidth", () => {
    const nodes = Array.from({ length: 60 }, (_, i) => ({ id: `n${i}`, label: `task-${i}` }));
    const spec = graphChartSpec({ nodes: [...nodes, { id: "total" }], edges: nodes.map((n) => ({ from: n.id, to: "total" })) }, { maxWidth: 600 });
    assert.ok((spec.width as number) <= 600 && (spec.width as number) > 500, String(spec.width));
  });

  it("renderSvg rejects a broken spec with ChartRenderError naming the chart", async () => {
    await assert.rejects(renderSvg({ title: "broken", mark: "nonsense", data: { values: [] } }), (e: unknown) => {
      return e instanceof ChartRenderError && e.code === "ERR_CHART_RENDER" && e.chart === "broken" && /chart "broken"/.test(e.message);
    });
  });

  // Not a speed test (the suite runs on 2 noisy cores): a bound that only a pathological slowdown
  // breaks. Typical figures are in the plots report.
  it("ten charts render within a generous sanity bound", async () => {
    const specs: VegaLiteSpec[] = [
      barChartSpec({ a: 1, b: 2, c: 3 }),
      speedupChartSpec(sweep, { amdahl: true }),
      scatterChartSpec(Array.from({ length: 1000 }, (_, i) => ({ x: Math.sin(i), y: Math.cos(i * 1.3), c: i % 2 })), { color: "c" }),
      lineChartSpec([1, 2, 3, 4].map((x) => ({ x, y: x * x }))),
      graphChartSpec(inc),
      taskStreamChartSpec(events()),
      barChartSpec([{ label: "one", seconds: 0.5 }]),
      speedupChartSpec(sweep),
      lineChartSpec([1, 2, 4, 8].map((x) => ({ x, y: 1 / x })), { logX: true }),
      taskStreamChartSpec(events().slice(0, 3)),
    ];
    await renderSvg(specs[0]!); // loading vega and vega-lite is not rendering
    const started = performance.now();
    for (const spec of specs) parseChart(await renderSvg(spec));
    const ms = performance.now() - started;
    console.log(`# ten charts rendered in ${ms.toFixed(0)} ms`);
    assert.ok(ms < 10_000, `${ms} ms`);
  });
});
