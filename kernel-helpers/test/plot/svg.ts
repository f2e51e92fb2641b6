// Reads rendered charts back with a real XML parser, by the classes vega puts on its groups.
import { DOMParser, type Element } from "@xmldom/xmldom";

export interface ParsedChart {
  readonly root: Element;
  /** Texts of the axis titles, in document order. */
  readonly axisTitles: string[];
  /** The chart title and subtitle. */
  readonly titles: string[];
  /** Legend entry labels. */
  readonly legendLabels: string[];
  /** Number of items per mark type, e.g. { rect: 3, text: 3 } (axes and legends excluded). */
  readonly marks: Record<string, number>;
}

function elements(root: Element, tag: string): Element[] {
  return Array.from(root.getElementsByTagName(tag) as unknown as ArrayLike<Element>);
}

function classes(el: Element): string[] {
  return (el.getAttribute("class") ?? "").split(/\s+/);
}

function textsUnder(root: Element, groupClass: string): string[] {
  return elements(root, "g")
    .filter((g) => classes(g).includes(groupClass))
    .flatMap((g) => elements(g, "text").map((t) => t.textContent ?? ""));
}

/** Parses `svg` strictly (any XML error throws) and collects what the tests look at. */
export function parseChart(svg: string): ParsedChart {
  const doc = new DOMParser({
    onError: (level, message) => {
      if (level !== "warning") throw new Error(`SVG is not well-formed XML: ${message}`);
    },
  }).parseFromString(svg, "image/svg+xml");
  const root = doc.documentElement as unknown as Element;
  if (root?.tagName !== "svg") throw new Error(`expected an <svg> root, got <${root?.tagName}>`);
  const marks: Record<string, number> = {};
  for (const g of elements(root, "g")) {
    const cls = classes(g);
    if (!cls.includes("role-mark")) continue;
    const type = cls.find((c) => c.startsWith("mark-"))!.slice("mark-".length);
    const items = Array.from(g.childNodes as unknown as ArrayLike<Element>).filter((n) => n.nodeType === 1).length;
    marks[type] = (marks[type] ?? 0) + items;
  }
  return {
    root,
    axisTitles: textsUnder(root, "role-axis-title"),
    titles: [...textsUnder(root, "role-title-text"), ...textsUnder(root, "role-title-subtitle")],
    legendLabels: textsUnder(root, "role-legend-label"),
    marks,
  };
}
