/**
 * Which ready task to run first. Like `dask.order`, the aim is to finish what was started: a
 * reduction's inputs are produced just before the reduction needs them, so a streaming sum over
 * 1 000 chunks holds a few chunks at a time instead of loading all of them first.
 *
 * The rule here is the simple core of dask's: number the nodes in the post-order of a depth-first
 * walk from the targets (dependencies before dependents, earlier arguments first); lower numbers
 * run first. For `total = add(sum(load0), sum(load1))` that is load0, sum0, load1, sum1, total.
 */
import { GraphError } from "./errors";
import { nodeDeps, type Graph } from "./spec";

/**
 * Priorities (0 = first) of every node the `targets` need; nodes they do not need are left out
 * (culled). Throws {@link GraphError} on a cycle or a missing key.
 */
export function orderGraph(graph: Graph, targets: readonly string[]): Map<string, number> {
  const priority = new Map<string, number>();
  const onPath = new Set<string>();
  // An explicit stack of [key, next dependency index]: graphs of 100 000 chains must not overflow.
  const stack: Array<[string, number]> = [];
  for (const target of targets) {
    if (priority.has(target)) continue;
    if (!graph.has(target)) throw new GraphError(target, `graph: target ${JSON.stringify(target)} has no node`);
    stack.push([target, 0]);
    onPath.add(target);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const deps = nodeDeps(graph.get(top[0])!);
      if (top[1] < deps.length) {
        const dep = deps[top[1]++]!;
        if (priority.has(dep)) continue;
        if (onPath.has(dep)) throw new GraphError(dep, `graph: cycle through ${JSON.stringify(dep)} (reached again from ${JSON.stringify(top[0])})`);
        if (!graph.has(dep)) throw new GraphError(top[0], `graph: node ${JSON.stringify(top[0])} depends on ${JSON.stringify(dep)}, which has no node`);
        stack.push([dep, 0]);
        onPath.add(dep);
      } else {
        stack.pop();
        onPath.delete(top[0]);
        priority.set(top[0], priority.size);
      }
    }
  }
  return priority;
}

/** A min-heap of keys by priority: the ready set. */
export class ReadyQueue {
  private readonly heap: string[] = [];

  constructor(private readonly priority: ReadonlyMap<string, number>) {}

  get size(): number {
    return this.heap.length;
  }

  push(key: string): void {
    const heap = this.heap;
    const p = this.priority.get(key)!;
    let i = heap.push(key) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.priority.get(heap[parent]!)! <= p) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = key;
  }

  pop(): string | undefined {
    const heap = this.heap;
    if (heap.length === 0) return undefined;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      const p = this.priority.get(last)!;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= heap.length) break;
        const r = l + 1;
        const c = r < heap.length && this.priority.get(heap[r]!)! < this.priority.get(heap[l]!)! ? r : l;
        if (this.priority.get(heap[c]!)! >= p) break;
        heap[i] = heap[c]!;
        i = c;
      }
      heap[i] = last;
    }
    return top;
  }

  /** The keys in the order they would be popped (for snapshots and debugging). */
  toArray(): string[] {
    return [...this.heap].sort((a, b) => this.priority.get(a)! - this.priority.get(b)!);
  }
}
