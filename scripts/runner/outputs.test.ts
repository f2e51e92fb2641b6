// The iopub → nbformat mapping and the stderr error parser, without a kernel.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Output } from "../notebook/nbformat";
import { applyMessage, newOutputState, parseStderrError, synthesiseError, type IOPubMessageLike } from "./outputs";

const msg = (msg_type: string, content: unknown): IOPubMessageLike => ({ header: { msg_type }, content });
const apply = (messages: IOPubMessageLike[], state = newOutputState(), start: Output[] = []) => messages.reduce((outputs, m) => applyMessage(outputs, m, state), start);

describe("applyMessage", () => {
  it("coalesces consecutive streams of one name and keeps stderr apart", () => {
    const outputs = apply([msg("stream", { name: "stdout", text: "a\n" }), msg("stream", { name: "stdout", text: "b\n" }), msg("stream", { name: "stderr", text: "w\n" }), msg("stream", { name: "stdout", text: "c\n" })]);
    assert.deepEqual(outputs, [
      { output_type: "stream", name: "stdout", text: "a\nb\n" },
      { output_type: "stream", name: "stderr", text: "w\n" },
      { output_type: "stream", name: "stdout", text: "c\n" },
    ]);
  });

  it("updates a display by id, also one shown in an earlier cell", () => {
    const state = newOutputState();
    const first = apply([msg("display_data", { data: { "text/plain": "0%" }, metadata: {}, transient: { display_id: "p" } })], state);
    const second = apply([msg("stream", { name: "stdout", text: "x" }), msg("update_display_data", { data: { "text/plain": "100%" }, metadata: {}, transient: { display_id: "p" } })], state);
    assert.deepEqual(first, [{ output_type: "display_data", data: { "text/plain": "100%" }, metadata: {} }]);
    assert.equal(second.length, 1);
  });

  it("clears at once, or at the next output with wait", () => {
    const state = newOutputState();
    const before = apply([msg("stream", { name: "stdout", text: "old" })], state);
    assert.deepEqual(applyMessage(before, msg("clear_output", { wait: false }), state), []);
    const waiting = applyMessage(before, msg("clear_output", { wait: true }), state);
    assert.equal(waiting, before);
    assert.deepEqual(applyMessage(waiting, msg("stream", { name: "stdout", text: "new" }), state), [{ output_type: "stream", name: "stdout", text: "new" }]);
  });

  it("ignores messages without output", () => {
    const outputs: Output[] = [];
    assert.equal(applyMessage(outputs, msg("status", { execution_state: "busy" }), newOutputState()), outputs);
  });
});

describe("parseStderrError", () => {
  it("reads a synchronous error after tslab's source excerpt", () => {
    const text = 'evalmachine.<anonymous>:2\nthrow new TypeError("bad");\n^\n\nTypeError: bad\n    at evalmachine.<anonymous>:2:7\n    at node:vm:1:1\n';
    const parsed = parseStderrError(text);
    assert.equal(parsed.ename, "TypeError");
    assert.equal(parsed.evalue, "bad");
    assert.deepEqual(parsed.traceback, ["TypeError: bad", "    at evalmachine.<anonymous>:2:7", "    at node:vm:1:1"]);
    assert.equal(parsed.text, text.trimEnd());
  });

  it("reads custom names, codes and multi-line messages", () => {
    assert.deepEqual(pick(parseStderrError("MyErr: multi\nline\n    at x\n")), ["MyErr", "multi\nline"]);
    assert.deepEqual(pick(parseStderrError("Error [ERR_X]: with code\n    at x\n")), ["Error", "with code"]);
    assert.deepEqual(pick(parseStderrError("user output\nRangeError: async boom\n    at x\n")), ["RangeError", "async boom"]);
  });

  it("reads tslab's compile diagnostics", () => {
    assert.deepEqual(pick(parseStderrError("1:7 - Type 'string' is not assignable to type 'number'.\n")), ["TypeScriptError", "1:7 - Type 'string' is not assignable to type 'number'."]);
  });

  it("falls back to the last line for a thrown non-error", () => {
    assert.deepEqual(pick(parseStderrError("just text\n")), ["Error", "just text"]);
    assert.deepEqual(pick(parseStderrError("a note: with a colon\n")), ["Error", "a note: with a colon"]);
  });

  it("reads a one-line error (a kernel-helpers error with no frame in a cell)", () => {
    assert.deepEqual(pick(parseStderrError("PoolClosedError: the pool is terminated; create a new pool\n")), ["PoolClosedError", "the pool is terminated; create a new pool"]);
  });
});

describe("synthesiseError", () => {
  it("moves the error from stderr into an error output and keeps other stderr", () => {
    const { outputs, error } = synthesiseError([
      { output_type: "stream", name: "stdout", text: "hi\n" },
      { output_type: "stream", name: "stderr", text: "a warning\nTypeError: bad\n    at x\n" },
    ]);
    assert.deepEqual(error, { output_type: "error", ename: "TypeError", evalue: "bad", traceback: ["TypeError: bad", "    at x"] });
    assert.deepEqual(outputs, [
      { output_type: "stream", name: "stdout", text: "hi\n" },
      { output_type: "stream", name: "stderr", text: "a warning\n" },
      error,
    ]);
  });
});

function pick(p: { ename: string; evalue: string }): [string, string] {
  return [p.ename, p.evalue];
}
