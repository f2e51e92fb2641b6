// The real thing: a Jupyter server, tslab kernels, and the messages they send.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { KernelMessage } from "@jupyterlab/services";
import { connect, runNotebook, type RunnerConnection } from "../../../scripts/runner";

const root = path.resolve(__dirname, "../../..");
const gallery = path.join(root, "notebooks/99-chart-gallery.ipynb");

describe("in a tslab kernel", { timeout: 180_000 }, () => {
  let connection: RunnerConnection;
  const outputDir = fs.mkdtempSync(path.join(os.tmpdir(), "plot-gallery-"));

  before(async () => {
    connection = await connect();
  });
  after(async () => {
    await connection?.close();
    fs.rmSync(outputDir, { recursive: true, force: true });
  });

  it("the chart gallery runs headless and every chart cell holds image/svg+xml", async () => {
    const result = await runNotebook(gallery, { connection, outputDir, parameters: { TIME_SCALE: 0.1 } });
    assert.equal(result.status, "passed", JSON.stringify(result.error));
    const outputs = result.notebook!.cells.flatMap((cell) => (cell.cell_type === "code" ? cell.outputs : []));
    const svgs = outputs.flatMap((o) => (o.output_type === "display_data" && typeof o.data["image/svg+xml"] === "string" ? [o.data["image/svg+xml"] as string] : []));
    assert.equal(svgs.length, 6, "bar, speedup, scatter, line, graph, task stream");
    for (const svg of svgs) assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.ok(outputs.some((o) => o.output_type === "display_data" && String(o.data["text/html"]).startsWith("<table>")), "the table is HTML");
    const text = outputs.flatMap((o) => (o.output_type === "stream" ? [String(o.text)] : [])).join("");
    assert.match(text, /Amdahl fit: serial fraction f = 0\.1\d\d/);
    assert.match(text, /waiting: 0\/20 \(0 %\)\n[^]*waiting: 20\/20 \(100 %\) done in/, "headless kernels print progress lines");
  });

  it("a live progress bar sends one display_data and throttled update_display_data for the same display", async () => {
    const session = await connection.sessionManager.startNew({
      path: connection.sessionPath(path.join(__dirname, "live-progress.ipynb")),
      type: "notebook",
      name: "live-progress.ipynb",
      kernel: { name: "tslab" },
    });
    try {
      const messages: KernelMessage.IIOPubMessage[] = [];
      const code = `
        import { progress } from "kernel-helpers";
        process.env.KERNEL_HELPERS_HEADLESS = "0";
        const bar = progress(300, { label: "live" });
        for (let i = 0; i < 300; i++) { await new Promise((r) => setTimeout(r, 3)); bar.tick(); }
        bar.done();
      `;
      const future = session.kernel!.requestExecute({ code, stop_on_error: true });
      future.onIOPub = (msg) => void messages.push(msg);
      const reply = await future.done;
      assert.equal(reply.content.status, "ok", JSON.stringify(messages.map((m) => m.content)));
      const displays = messages.filter((m) => m.header.msg_type === "display_data");
      const updates = messages.filter((m) => m.header.msg_type === "update_display_data");
      assert.equal(displays.length, 1);
      const id = (displays[0]!.content as { transient: { display_id: string } }).transient.display_id;
      assert.ok(id, "the display has an id to update");
      assert.ok(updates.length >= 3, `${updates.length} updates for a loop of ≥ 0.9 s`);
      // Throttled to 10 a second: apart from the final state, updates are >= 100 ms apart (dates have ms precision).
      const sent = [displays[0]!, ...updates].map((m) => Date.parse(m.header.date));
      const gaps = sent.slice(1, -1).map((t, i) => t - sent[i]!);
      assert.ok(gaps.every((gap) => gap >= 95), `gaps between updates: ${gaps.join(", ")} ms`);
      for (const u of updates) assert.equal((u.content as { transient: { display_id: string } }).transient.display_id, id);
      const last = (updates.at(-1)!.content as { data: Record<string, string> }).data["text/plain"]!;
      assert.match(last, /^live \[█+\] 100 % 300\/300 · \d+\.\d\d s · done$/);
      assert.ok(!messages.some((m) => m.header.msg_type === "stream"), "no plain lines in live mode");
    } finally {
      await session.shutdown();
      session.dispose();
    }
  });
});
