import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  Delayed,
  GraphError,
  TaskFailedError,
  collectGraph,
  compute,
  delayed,
  delayedValue,
  finishTask,
  graphSpec,
  orderGraph,
  persist,
  startState,
  stateSnapshot,
  tokenize,
  type Graph,
} from "kernel-helpers";

const load = (i: number) => i * 10;
const add = (a: number, b: number) => a + b;
const inc = (x: number) => x + 1;

// The four-task example of state.ts's header: a, b → c → d.
function toyGraph(): Graph {
  return new Map([
    ["a", { kind: "task", fn: load, args: [0], deps: [] }],
    ["b", { kind: "task", fn: load, args: [1], deps: [] }],
    ["c", { kind: "task", fn: add, args: [], deps: ["a", "b"] }],
    ["d", { kind: "task", fn: inc, args: [], deps: ["c"] }],
    ["unused", { kind: "data", value: 1 }],
  ]) as Graph;
}

describe("graph building", () => {
  it("gives equal calls equal, stable keys and shares them", () => {
    const x = delayed(inc)(1);
    const y = delayed(inc)(1);
    assert.equal(x.key, y.key);
    assert.match(x.key, /^inc-[0-9a-f]{16}$/);
    assert.notEqual(delayed(inc)(2).key, x.key);
    assert.notEqual(delayed(inc, { pure: false })(1).key, delayed(inc, { pure: false })(1).key);
    assert.equal(tokenize({ a: 1, b: [2, new Float64Array([3])] }), tokenize({ b: [2, new Float64Array([3])], a: 1 }));
    const total = delayed(add)(x, y);
    const graph = total.graph();
    assert.equal(graph.size, 2, "the shared inc(1) appears once");
    const node = graph.get(total.key)!;
    assert.equal(node.kind, "task");
    assert.deepEqual(node.kind === "task" && node.deps, [x.key]);
  });

  it("finds delayed values nested in arrays and objects", async () => {
    const parts = [1, 2, 3].map((i) => delayed(inc)(i));
    const summary = delayed((o: { xs: number[]; k: { v: number } }) => o.xs.reduce((a, b) => a + b, 0) * o.k.v, { name: "summary" })({
      xs: parts,
      k: { v: delayed(inc)(1) },
    });
    assert.deepEqual(new Set(summary.dependencies.map((d) => d.key)), new Set(parts.map((p) => p.key)));
    assert.equal(await summary.compute({ scheduler: "sync" }), (2 + 3 + 4) * 2);
  });

  it("computes shared sub-graphs once", async () => {
    let calls = 0;
    const counted = (x: number) => {
      calls += 1;
      return x;
    };
    const shared = delayed(counted)(5);
    const [a, b] = await compute(delayed(inc)(shared), delayed(add)(shared, 1), { scheduler: "sync" });
    assert.deepEqual([a, b, calls], [6, 6, 1]);
  });

  it("orders depth-first so inputs are made just before they are used", () => {
    const order = orderGraph(toyGraph(), ["d"]);
    assert.deepEqual([...order], [["a", 0], ["b", 1], ["c", 2], ["d", 3]]);
    const cyclic = new Map([
      ["p", { kind: "ref", target: "q" }],
      ["q", { kind: "ref", target: "p" }],
    ]) as Graph;
    assert.throws(() => orderGraph(cyclic, ["p"]), (e: unknown) => e instanceof GraphError && e.code === "ERR_INVALID_GRAPH");
  });

  it("walks the scheduler state of the four-task example", () => {
    const state = startState(toyGraph(), ["d"]);
    assert.deepEqual(stateSnapshot(state), {
      dependencies: { a: [], b: [], c: ["a", "b"], d: ["c"] },
      dependents: { a: ["c"], b: ["c"], c: ["d"], d: [] },
      waiting: { c: ["a", "b"], d: ["c"] },
      waitingData: { a: ["c"], b: ["c"], c: ["d"], d: [] },
      ready: ["a", "b"],
      running: [],
      finished: [],
      released: [],
      cache: {},
    });
    state.running.add(state.ready.pop()!);
    finishTask(state, "a", 0);
    assert.deepEqual(stateSnapshot(state).waiting, { c: ["b"], d: ["c"] });
    state.running.add(state.ready.pop()!);
    finishTask(state, "b", 10);
    assert.deepEqual(stateSnapshot(state).ready, ["c"]);
    state.running.add(state.ready.pop()!);
    finishTask(state, "c", 10);
    assert.deepEqual(stateSnapshot(state), {
      dependencies: { a: [], b: [], c: ["a", "b"], d: ["c"] },
      dependents: { a: ["c"], b: ["c"], c: ["d"], d: [] },
      waiting: {},
      waitingData: { c: ["d"], d: [] },
      ready: ["d"],
      running: [],
      finished: ["a", "b", "c"],
      released: ["a", "b"],
      cache: { c: 10 },
    });
    state.running.add(state.ready.pop()!);
    finishTask(state, "d", 11);
    assert.deepEqual(stateSnapshot(state).cache, { d: 11 }, "only the target is kept");
    assert.deepEqual(stateSnapshot(state).released, ["a", "b", "c"]);
  });

  it("raises a task's error once, with its key", async () => {
    const bad = delayed((x: number) => {
      throw new RangeError(`bad ${x}`);
    }, { name: "bad" })(delayed(inc)(1));
    await assert.rejects(bad.compute({ scheduler: "sync" }), (e: unknown) => {
      assert.ok(e instanceof TaskFailedError);
      assert.equal(e.code, "ERR_TASK_FAILED");
      assert.equal(e.key, bad.key);
      assert.ok(e.cause instanceof RangeError);
      assert.match(e.message, /bad 2/);
      return true;
    });
  });

  it("persists results as data nodes and passes other values through", async () => {
    const x = delayed(inc)(41);
    const [px, seven] = await persist(x, 7, { scheduler: "sync" });
    assert.ok(px instanceof Delayed);
    assert.equal(px.key, x.key);
    assert.deepEqual(px.node, { kind: "data", value: 42 });
    assert.equal(seven, 7);
    assert.equal(await delayed(inc)(px).compute({ scheduler: "sync" }), 43);
    assert.equal(await delayedValue(5).compute({ scheduler: "sync" }), 5);
  });

  it("describes the graph for drawing", () => {
    const x = delayed(inc)(1);
    const spec = graphSpec(delayed(add)(x, delayed(inc)(2)));
    assert.equal(spec.nodes.length, 3);
    assert.deepEqual(new Set(spec.nodes.map((n) => n.label)), new Set(["inc", "add"]));
    assert.equal(spec.edges.length, 2);
    assert.throws(() => collectGraph([new Delayed("lonely", { kind: "ref", target: "nowhere" })]), GraphError);
  });
});
