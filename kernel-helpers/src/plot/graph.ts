/**
 * Task-graph pictures in the style of Dask's `visualize()`: tasks are circles, data are boxes,
 * arrows run from inputs to the tasks that use them. dagre computes the layered layout; vega-lite
 * only draws shapes at the positions it chose.
 */
import type * as Dagre from "@dagrejs/dagre";
import { InvalidArgumentError, describeValue } from "../errors";
import { type ChartOptions, specHeader } from "./common";
import type { VegaLiteSpec } from "./render";

/** One node of a task-graph picture. */
export interface GraphChartNode {
  /** Unique among the nodes; edges refer to it. */
  readonly id: string;
  /** The text drawn in the node. @default the id */
  readonly label?: string;
  /** `"task"` draws a circle (a function call); anything else (`"data"`) a box. @default "task" */
  readonly kind?: string;
}

/** An arrow from the node whose result is used (`from`) to the node using it (`to`). */
export interface GraphChartEdge {
  readonly from: string;
  readonly to: string;
}

/** What {@link graphChartSpec} draws. */
export interface GraphChartInput {
  readonly nodes: readonly GraphChartNode[];
  readonly edges: readonly GraphChartEdge[];
}

/** Options of {@link graphChartSpec} / `show.graph`. */
export interface GraphChartOptions extends Omit<ChartOptions, "width" | "height"> {
  /** Direction of the arrows: `"BT"` puts inputs at the bottom, as Dask draws it. @default "BT" */
  readonly rankdir?: "TB" | "BT" | "LR" | "RL";
  /** Larger layouts are scaled down to this width in pixels. @default 900 */
  readonly maxWidth?: number;
}

/** A node placed by the layout: centre, size and shape in layout pixels. */
export interface PlacedGraphNode {
  readonly id: string;
  readonly label: string;
  readonly shape: "circle" | "box";
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** The layout of a task graph. */
export interface GraphChartLayout {
  readonly nodes: readonly PlacedGraphNode[];
  readonly edges: readonly { readonly from: string; readonly to: string; readonly points: readonly { x: number; y: number }[] }[];
  readonly width: number;
  readonly height: number;
}

const FONT_SIZE = 11;
/** Average glyph width at FONT_SIZE for the sans-serif vega uses; vega estimates text the same way. */
const CHAR_WIDTH = 6.2;
const NODE_HEIGHT = 30;

function validate(graph: GraphChartInput): void {
  const what = "show.graph(graph)";
  if (graph === null || typeof graph !== "object" || !Array.isArray(graph.nodes) || !Array.isArray(graph.edges)) {
    throw new InvalidArgumentError(`${what}: expected { nodes: { id, label, kind }[], edges: { from, to }[] }, received ${describeValue(graph)}`);
  }
  if (graph.nodes.length === 0) throw new InvalidArgumentError(`${what}: the graph has no nodes`);
  const ids = new Set<string>();
  graph.nodes.forEach((node, i) => {
    if (node === null || typeof node !== "object" || typeof node.id !== "string") {
      throw new InvalidArgumentError(`${what}: nodes[${i}] needs a string \`id\`, received ${describeValue(node?.id ?? node)}`);
    }
    if (ids.has(node.id)) throw new InvalidArgumentError(`${what}: nodes[${i}] repeats the id ${describeValue(node.id)}`);
    ids.add(node.id);
  });
  graph.edges.forEach((edge, i) => {
    for (const end of ["from", "to"] as const) {
      if (!ids.has(edge?.[end])) {
        throw new InvalidArgumentError(`${what}: edges[${i}].${end} is not a node id, received ${describeValue(edge?.[end])}`);
      }
    }
  });
}

/** Lays the graph out in layers with dagre (network-simplex ranking, crossing reduction). */
export function graphChartLayout(graph: GraphChartInput, options: GraphChartOptions = {}): GraphChartLayout {
  validate(graph);
  // Loaded on first use: most notebooks never draw a graph.
  const dagre = require("@dagrejs/dagre") as typeof Dagre;
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: options.rankdir ?? "BT", nodesep: 24, ranksep: 36, marginx: 4, marginy: 4 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of graph.nodes) {
    const label = node.label ?? node.id;
    const textWidth = label.length * CHAR_WIDTH;
    const circle = (node.kind ?? "task") === "task";
    // A circle must hold its label; a box is as wide as its label plus padding.
    const width = circle ? Math.max(NODE_HEIGHT + 6, textWidth + 14) : Math.max(NODE_HEIGHT + 10, textWidth + 16);
    g.setNode(node.id, { width, height: circle ? width : NODE_HEIGHT, label, shape: circle ? "circle" : "box" });
  }
  for (const edge of graph.edges) g.setEdge(edge.from, edge.to);
  dagre.layout(g);
  const nodes = graph.nodes.map((node): PlacedGraphNode => {
    const placed = g.node(node.id);
    return {
      id: node.id,
      label: placed.label as string,
      shape: placed.shape as "circle" | "box",
      x: placed.x!,
      y: placed.y!,
      width: placed.width,
      height: placed.height,
    };
  });
  const edges = graph.edges.map((edge) => ({
    from: edge.from,
    to: edge.to,
    points: (g.edge(edge.from, edge.to)?.points ?? []).map((p: { x: number; y: number }) => ({ x: p.x, y: p.y })),
  }));
  const { width = 0, height = 0 } = g.graph();
  return { nodes, edges, width, height };
}

/**
 * A task graph drawn Dask-style: `graphChartSpec({ nodes: [{ id: "x", kind: "data" }, { id: "inc" }],
 * edges: [{ from: "x", to: "inc" }] })`. Layout by dagre, scaled down to `maxWidth` when wider.
 */
export function graphChartSpec(graph: GraphChartInput, options: GraphChartOptions = {}): VegaLiteSpec {
  const layout = graphChartLayout(graph, options);
  const maxWidth = options.maxWidth ?? 900;
  const k = Math.min(1, maxWidth / Math.max(1, layout.width));
  const width = Math.max(1, layout.width * k);
  const height = Math.max(1, layout.height * k);
  // Layout pixels map 1:k to screen pixels on both axes; y grows downwards as in the layout.
  const x = (field: string) => ({ field, type: "quantitative", axis: null, scale: { domain: [0, layout.width], nice: false, zero: false } });
  const y = (field: string) => ({ field, type: "quantitative", axis: null, scale: { domain: [0, layout.height], nice: false, zero: false, reverse: true } });

  const edgePoints = layout.edges.flatMap((edge, e) => edge.points.map((p, i) => ({ edge: e, i, x: p.x, y: p.y })));
  const arrowHeads = layout.edges.flatMap((edge) => {
    const n = edge.points.length;
    if (n < 2) return [];
    const [a, b] = [edge.points[n - 2]!, edge.points[n - 1]!];
    // Vega's triangle-up points to -y; rotate it (clockwise degrees) to point along a → b.
    return [{ x: b.x, y: b.y, angle: (Math.atan2(b.x - a.x, -(b.y - a.y)) * 180) / Math.PI }];
  });
  const circles = layout.nodes.filter((n) => n.shape === "circle").map((n) => ({ x: n.x, y: n.y, size: (n.width * k) ** 2, label: n.label, id: n.id }));
  const boxes = layout.nodes
    .filter((n) => n.shape === "box")
    .map((n) => ({ x: n.x - n.width / 2, x2: n.x + n.width / 2, y: n.y - n.height / 2, y2: n.y + n.height / 2, label: n.label, id: n.id }));
  const labels = layout.nodes.map((n) => ({ x: n.x, y: n.y, label: n.label }));
  const tasks = circles.length;
  const data = boxes.length;

  const layers: VegaLiteSpec[] = [
    {
      data: { values: edgePoints },
      mark: { type: "line", interpolate: "basis", color: "#666", strokeWidth: 1.2 },
      encoding: { x: x("x"), y: y("y"), detail: { field: "edge", type: "nominal" }, order: { field: "i", type: "quantitative" } },
    },
    {
      data: { values: arrowHeads },
      mark: { type: "point", shape: "triangle-up", filled: true, color: "#666", size: 40 * k, opacity: 1 },
      encoding: { x: x("x"), y: y("y"), angle: { field: "angle", type: "quantitative", scale: null } },
    },
  ];
  if (data > 0) {
    layers.push({
      data: { values: boxes },
      mark: { type: "rect", fill: "#f1f1f1", stroke: "#555", strokeWidth: 1.2, cornerRadius: 2 },
      encoding: { x: x("x"), x2: { field: "x2" }, y: y("y"), y2: { field: "y2" }, tooltip: [{ field: "id", title: "key" }] },
    });
  }
  if (tasks > 0) {
    layers.push({
      data: { values: circles },
      mark: { type: "point", shape: "circle", filled: true, fill: "#dce9f5", stroke: "#4c78a8", strokeWidth: 1.2, opacity: 1 },
      encoding: { x: x("x"), y: y("y"), size: { field: "size", type: "quantitative", scale: null }, tooltip: [{ field: "id", title: "key" }] },
    });
  }
  layers.push({
    data: { values: labels },
    mark: { type: "text", fontSize: Math.max(7, FONT_SIZE * k), color: "#222", baseline: "middle", align: "center" },
    encoding: { x: x("x"), y: y("y"), text: { field: "label" } },
  });

  return {
    ...specHeader(
      { title: options.title, subtitle: options.subtitle, width, height },
      {
        title: "Task graph",
        description: `a task graph of ${tasks} tasks (circles) and ${data} data nodes (boxes) with ${layout.edges.length} edges`,
      },
    ),
    layer: layers,
  };
}
