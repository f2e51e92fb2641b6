/**
 * vega-lite spec → SVG string, entirely in Node: vega-lite compiles to a vega spec, a headless vega
 * `View` (renderer "none") renders the scenegraph, and `toSVG()` serialises it. No browser, no canvas:
 * text widths are estimated, which is fine for charts of short labels.
 */
import { ChartRenderError } from "./errors";

/**
 * A vega-lite (v5) specification as plain JSON. Deliberately loose: vega-lite's own types are huge and
 * would have to be readable by tslab's TypeScript 5.0; specs here come from the `*Spec` builders.
 */
export type VegaLiteSpec = Record<string, unknown>;

/** The `$schema` every spec in this package declares. */
export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

interface VegaLiteModule {
  compile(spec: unknown): { spec: unknown };
}
interface VegaModule {
  parse(spec: unknown): unknown;
  View: new (runtime: unknown, options: { renderer: "none"; logLevel?: number }) => {
    toSVG(scaleFactor?: number): Promise<string>;
    finalize(): void;
  };
  Warn: number;
}

// Both are CommonJS builds (vega 5, vega-lite 5); loaded on first use because they take ~0.25 s to
// load and many notebooks never draw.
let libraries: { vl: VegaLiteModule; vega: VegaModule } | undefined;
function load(): { vl: VegaLiteModule; vega: VegaModule } {
  libraries ??= { vl: require("vega-lite") as VegaLiteModule, vega: require("vega") as VegaModule };
  return libraries;
}

/** The spec's title as text, for error messages. */
export function specTitle(spec: VegaLiteSpec): string {
  const title = spec.title;
  if (typeof title === "string") return title;
  if (title !== null && typeof title === "object" && typeof (title as { text?: unknown }).text === "string") {
    return (title as { text: string }).text;
  }
  return "untitled";
}

/**
 * Renders a vega-lite spec to an SVG document (a string starting with `<svg`).
 *
 * @throws ChartRenderError (as a rejection) when vega-lite or vega rejects the spec.
 */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const { vl, vega } = load();
  let view: InstanceType<VegaModule["View"]>;
  try {
    view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: "none", logLevel: vega.Warn });
  } catch (error) {
    const title = specTitle(spec);
    throw new ChartRenderError(`chart "${title}": vega-lite rejected the spec: ${(error as Error).message}`, title, { cause: error });
  }
  try {
    return await view.toSVG();
  } catch (error) {
    const title = specTitle(spec);
    throw new ChartRenderError(`chart "${title}": vega could not render it: ${(error as Error).message}`, title, { cause: error });
  } finally {
    view.finalize();
  }
}
