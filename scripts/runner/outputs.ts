// From kernel messages to nbformat outputs, as pure functions of (message, outputs, state) so they
// are tested without a kernel (nbclient's `output()` / `process_message()`):
// - consecutive stream messages of one name are coalesced into one output;
// - `display_data` with a `transient.display_id` is remembered, and `update_display_data` rewrites
//   every output shown under that id, in whichever cell it is;
// - `clear_output` with `wait: true` clears only when the next output arrives.
// tslab never sends `error` messages: it prints the error to stderr and replies "error", so
// `synthesiseError` turns that stderr text into a proper `error` output other tools understand.
import type { DisplayDataOutput, ErrorOutput, Output, StreamOutput } from "../notebook/nbformat";
import { sourceText } from "../notebook/nbformat";

/** The parts of an iopub message the mapping reads (a `KernelMessage.IIOPubMessage` fits). */
export interface IOPubMessageLike {
  readonly header: { readonly msg_type: string };
  readonly content: unknown;
}

/** State that outlives one cell: pending clears and the outputs shown under each display id. */
export interface OutputState {
  /** A `clear_output(wait=True)` waits for the next output of the current cell. */
  clearPending: boolean;
  readonly displays: Map<string, DisplayDataOutput[]>;
}

export function newOutputState(): OutputState {
  return { clearPending: false, displays: new Map() };
}

type Bundle = { data?: Record<string, unknown>; metadata?: Record<string, unknown>; transient?: { display_id?: string } };

function displayOutput(content: Bundle, state: OutputState): DisplayDataOutput {
  const output: DisplayDataOutput = { output_type: "display_data", data: { ...content.data }, metadata: { ...content.metadata } };
  const id = content.transient?.display_id;
  if (id) {
    const list = state.displays.get(id) ?? [];
    list.push(output);
    state.displays.set(id, list);
  }
  return output;
}

function add(outputs: Output[], output: Output, state: OutputState): Output[] {
  const base = state.clearPending ? [] : outputs;
  state.clearPending = false;
  const last = base[base.length - 1];
  if (output.output_type === "stream" && last?.output_type === "stream" && last.name === output.name) {
    const merged: StreamOutput = { ...last, text: sourceText(last.text) + sourceText(output.text) };
    return [...base.slice(0, -1), merged];
  }
  return [...base, output];
}

/**
 * The cell's outputs after `message`. Returns a new array (the input is not changed) except that
 * `update_display_data` updates earlier display outputs in place, as they may sit in other cells.
 * Messages that carry no output (status, execute_input, comm_*) return `outputs` itself.
 */
export function applyMessage(outputs: Output[], message: IOPubMessageLike, state: OutputState): Output[] {
  const content = (message.content ?? {}) as Record<string, unknown>;
  switch (message.header.msg_type) {
    case "stream":
      return add(outputs, { output_type: "stream", name: content.name === "stderr" ? "stderr" : "stdout", text: String(content.text ?? "") }, state);
    case "display_data":
      return add(outputs, displayOutput(content as Bundle, state), state);
    case "execute_result":
      return add(outputs, { output_type: "execute_result", execution_count: (content.execution_count as number | null) ?? null, data: { ...(content.data as object) }, metadata: { ...(content.metadata as object) } }, state);
    case "error":
      return add(outputs, { output_type: "error", ename: String(content.ename ?? ""), evalue: String(content.evalue ?? ""), traceback: (content.traceback as string[]) ?? [] }, state);
    case "update_display_data": {
      const id = (content as Bundle).transient?.display_id;
      for (const shown of (id && state.displays.get(id)) || []) {
        shown.data = { ...(content as Bundle).data };
        shown.metadata = { ...(content as Bundle).metadata };
      }
      return outputs;
    }
    case "clear_output":
      if (content.wait) {
        state.clearPending = true;
        return outputs;
      }
      state.clearPending = false;
      return [];
    default:
      return outputs;
  }
}

/** An error parsed from tslab's stderr text. */
export interface ParsedError {
  readonly ename: string;
  readonly evalue: string;
  readonly traceback: string[];
  /** The stderr text the error was read from, so it can be cut out of the stream output. */
  readonly text: string;
}

// `TypeError: msg`, `Error [ERR_X]: msg`, `MyErr: msg`, `Error` (no message).
const ERROR_HEADER = /^([A-Za-z_$][\w$.]*)(?: \[[^\]]*\])?(?:: (.*))?$/;
// tslab's compile diagnostics: `1:7 - Type 'string' is not assignable to type 'number'.`
const DIAGNOSTIC = /^(?:\S+ )?\d+:\d+ - .*$/;

/**
 * Reads the error a failed tslab cell printed on stderr: an inspected `Error` (a header line
 * followed by `    at ...` frames, maybe after a source excerpt), or TypeScript diagnostics.
 * Anything else (say `throw "text"`) becomes an `Error` whose value is the last stderr line.
 */
export function parseStderrError(stderr: string): ParsedError {
  const lines = stderr.replace(/\n+$/, "").split("\n");
  const firstFrame = lines.findIndex((line) => /^\s+at /.test(line));
  if (firstFrame > 0) {
    // Walk up from the first frame to the header; a message may span lines but not a blank one.
    for (let i = firstFrame - 1; i >= 0 && lines[i] !== ""; i--) {
      const match = ERROR_HEADER.exec(lines[i]!);
      if (match && (i === 0 || lines[i - 1] === "" || /Error|Exception/.test(match[1]!))) {
        const evalue = [match[2] ?? "", ...lines.slice(i + 1, firstFrame)].join("\n");
        const start = i > 0 && lines[i - 1] === "" ? blockStart(lines, i) : i;
        const block = lines.slice(start);
        return { ename: match[1]!, evalue, traceback: lines.slice(i), text: block.join("\n") };
      }
    }
  }
  const diagnostics = lines.filter((line) => DIAGNOSTIC.test(line));
  if (diagnostics.length > 0) {
    return { ename: "TypeScriptError", evalue: diagnostics.join("\n"), traceback: diagnostics, text: diagnostics.join("\n") };
  }
  const last = [...lines].reverse().find((line) => line.trim() !== "") ?? "the cell failed without printing an error";
  // A kernel-helpers error with no frame in a cell prints as one `Name: message` line.
  const oneLine = ERROR_HEADER.exec(last);
  if (oneLine && /(Error|Exception|Interrupt)$/.test(oneLine[1]!) && oneLine[2] !== undefined) {
    return { ename: oneLine[1]!, evalue: oneLine[2], traceback: [last], text: last };
  }
  return { ename: "Error", evalue: last.trim(), traceback: [last], text: last };
}

// tslab prints a source excerpt (`evalmachine.<anonymous>:2`, the line, `^`, a blank) before a
// synchronous error; it belongs to the error, so it is cut out of the stream with it.
function blockStart(lines: string[], header: number): number {
  const excerpt = header - 4;
  return excerpt >= 0 && /^evalmachine\.<anonymous>:\d+$/.test(lines[excerpt]!) ? excerpt : header;
}

/**
 * Adds the `error` output for a failed tslab cell: the error is parsed from the cell's stderr and
 * cut out of it (so a viewer shows it once, as an error), and appended as an `error` output.
 * A cell that already has an `error` output (a kernel that sends them) is returned unchanged.
 */
export function synthesiseError(outputs: Output[]): { outputs: Output[]; error: ErrorOutput } {
  const existing = outputs.find((o): o is ErrorOutput => o.output_type === "error");
  if (existing) return { outputs, error: existing };
  const stderr = outputs.map((o) => (o.output_type === "stream" && o.name === "stderr" ? sourceText(o.text) : "")).join("");
  const parsed = parseStderrError(stderr);
  const error: ErrorOutput = { output_type: "error", ename: parsed.ename, evalue: parsed.evalue, traceback: parsed.traceback };
  const kept: Output[] = [];
  let cut = false;
  for (let i = outputs.length - 1; i >= 0; i--) {
    const output = outputs[i]!;
    if (!cut && output.output_type === "stream" && output.name === "stderr") {
      const text = sourceText(output.text);
      const at = text.lastIndexOf(parsed.text);
      if (at >= 0) {
        cut = true;
        const rest = text.slice(0, at) + text.slice(at + parsed.text.length).replace(/^\n/, "");
        if (rest.trim() !== "") kept.unshift({ ...output, text: rest });
        continue;
      }
    }
    kept.unshift(output);
  }
  return { outputs: [...kept, error], error };
}
