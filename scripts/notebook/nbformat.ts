// nbformat 4.5 in TypeScript: the types, reading with errors that name the file, writing the way
// Jupyter does (1-space indent, trailing newline, multi-line sources as string arrays) so diffs stay
// small, and builders for authoring notebooks from scripts. Shared by the runner, the student
// generator and the tests.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { KernelHelpersError } from "kernel-helpers";

export type MultilineString = string | string[];

export interface StreamOutput { output_type: "stream"; name: "stdout" | "stderr"; text: MultilineString }
export interface DisplayDataOutput { output_type: "display_data"; data: Record<string, unknown>; metadata: Record<string, unknown>; transient?: { display_id?: string } }
export interface ExecuteResultOutput { output_type: "execute_result"; execution_count: number | null; data: Record<string, unknown>; metadata: Record<string, unknown> }
export interface ErrorOutput { output_type: "error"; ename: string; evalue: string; traceback: string[] }
export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

export interface CellMetadata { tags?: string[]; execution?: Record<string, string>; [key: string]: unknown }
export interface CodeCell { cell_type: "code"; id: string; source: MultilineString; metadata: CellMetadata; outputs: Output[]; execution_count: number | null }
export interface MarkdownCell { cell_type: "markdown"; id: string; source: MultilineString; metadata: CellMetadata; attachments?: Record<string, unknown> }
export interface RawCell { cell_type: "raw"; id: string; source: MultilineString; metadata: CellMetadata }
export type Cell = CodeCell | MarkdownCell | RawCell;

export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: {
    kernelspec?: { name: string; display_name: string; language?: string };
    language_info?: Record<string, unknown>;
    [key: string]: unknown;
  };
  cells: Cell[];
}

/** The kernelspec every course notebook names: the project-local tslab kernel. */
export const TSLAB_KERNELSPEC = { name: "tslab", display_name: "TypeScript", language: "typescript" } as const;

/** A file is not a notebook the tools can read; `detail` says why without the file name. */
export class NotebookFormatError extends KernelHelpersError {
  constructor(readonly file: string, readonly detail: string) {
    super("ERR_NOTEBOOK_FORMAT", `${file}: ${detail}`);
  }
}

export function sourceText(source: MultilineString): string {
  return Array.isArray(source) ? source.join("") : source;
}

/** Jupyter's on-disk form: lines kept with their newline, the last without. */
export function splitLines(text: string): string[] {
  return text.length === 0 ? [] : (text.match(/[^\n]*\n|[^\n]+$/g) ?? []);
}

export function cellTags(cell: Cell): string[] {
  return Array.isArray(cell.metadata?.tags) ? cell.metadata.tags : [];
}

export function newCellId(): string {
  return randomBytes(4).toString("hex");
}

/** The notebooks directly in `dir` (not in subfolders, so no checkpoints), sorted; none if it is missing. */
export function notebooksIn(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith(".ipynb"))
    .sort()
    .map((name) => path.join(dir, name));
}

/** Parses and checks the parts of nbformat 4 the tools rely on; errors name the file and cell. */
export function parseNotebook(text: string, file: string): Notebook {
  let nb: unknown;
  try {
    nb = JSON.parse(text);
  } catch (error) {
    throw new NotebookFormatError(file, `not valid JSON (${(error as Error).message})`);
  }
  const n = nb as Partial<Notebook>;
  if (!n || typeof n !== "object" || n.nbformat !== 4 || !Array.isArray(n.cells)) {
    throw new NotebookFormatError(file, "not an nbformat 4 notebook (needs \"nbformat\": 4 and a \"cells\" list)");
  }
  n.metadata ??= {};
  n.nbformat_minor ??= 5;
  n.cells.forEach((cell, index) => {
    if (!cell || !["code", "markdown", "raw"].includes((cell as Cell).cell_type)) {
      throw new NotebookFormatError(file, `cell ${index + 1} has no valid cell_type`);
    }
    if (typeof cell.source !== "string" && !Array.isArray(cell.source)) {
      throw new NotebookFormatError(file, `cell ${index + 1} has no source`);
    }
    cell.metadata ??= {};
    if (cell.cell_type === "code") {
      cell.outputs ??= [];
      cell.execution_count ??= null;
    }
  });
  return n as Notebook;
}

export function readNotebook(file: string): Notebook {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new NotebookFormatError(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return parseNotebook(text, file);
}

function normaliseSources(nb: Notebook): Notebook {
  const cells = nb.cells.map((cell) => {
    const out = { ...cell, source: splitLines(sourceText(cell.source)) } as Cell;
    if (out.cell_type === "code") {
      out.outputs = out.outputs.map((o) => (o.output_type === "stream" ? { ...o, text: splitLines(sourceText(o.text)) } : o));
    }
    return out;
  });
  return { ...nb, cells };
}

export function serializeNotebook(nb: Notebook): string {
  return JSON.stringify(normaliseSources(nb), null, 1) + "\n";
}

/** Writes via a temporary file and a rename, so a crash never leaves half a notebook. */
export function writeNotebook(file: string, nb: Notebook): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(3).toString("hex")}.tmp`;
  fs.writeFileSync(tmp, serializeNotebook(nb));
  fs.renameSync(tmp, file);
}

// Builders for authoring notebooks from scripts and tests.

export interface CellOptions { readonly tags?: readonly string[]; readonly id?: string; readonly metadata?: CellMetadata }

export function markdown(source: string, options: CellOptions = {}): MarkdownCell {
  return { cell_type: "markdown", id: options.id ?? newCellId(), metadata: { ...options.metadata, ...(options.tags?.length ? { tags: [...options.tags] } : {}) }, source };
}

export function code(source: string, options: CellOptions = {}): CodeCell {
  return { cell_type: "code", id: options.id ?? newCellId(), metadata: { ...options.metadata, ...(options.tags?.length ? { tags: [...options.tags] } : {}) }, source, outputs: [], execution_count: null };
}

export function notebook(cells: Cell[], metadata: Notebook["metadata"] = {}): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { ...TSLAB_KERNELSPEC }, language_info: { name: "typescript", file_extension: ".ts", mimetype: "text/typescript" }, ...metadata },
    cells,
  };
}

/** A copy without outputs or execution counts: the form sources are committed in. */
export function stripOutputs(nb: Notebook): Notebook {
  return {
    ...nb,
    cells: nb.cells.map((cell) => {
      if (cell.cell_type !== "code") return cell;
      const { execution, ...metadata } = cell.metadata;
      void execution;
      return { ...cell, outputs: [], execution_count: null, metadata };
    }),
  };
}
