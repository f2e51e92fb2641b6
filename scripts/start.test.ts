// `npm start` as a student runs it: it answers on loopback only, refuses requests without the token,
// lists the project-local TypeScript kernel, and Ctrl-C (SIGINT to the terminal's process group)
// leaves no Jupyter server or kernel behind.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import { after, test } from "node:test";
import { projectRoot } from "./jupyter/paths";
import { freePort } from "./jupyter/server";
import { isAlive as alive } from "./runner/processes";

/** Pids whose command line contains `needle` (this machine's /proc). */
function pidsMatching(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(needle)) pids.push(Number(entry));
    } catch {
      /* exited meanwhile */
    }
  }
  return pids;
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 30000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test("npm start serves the course on loopback with a token and Ctrl-C stops everything", async (t) => {
  const port = await freePort();
  // Its own process group, so the test can deliver Ctrl-C the way a terminal does: to the whole group.
  const child = spawn("npm", ["start", "--", "--no-browser", "--port", String(port)], { cwd: projectRoot, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  after(() => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      /* already gone */
    }
  });
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.resume();

  const url = new URL(await until("the course URL", () => stdout.match(/http:\/\/127\.0\.0\.1:\d+\/\S*token=\w+/)?.[0]));
  const token = url.searchParams.get("token")!;
  const base = `http://127.0.0.1:${port}`;
  assert.equal(url.port, String(port));

  await t.test("refuses requests without the token", async () => {
    assert.equal((await fetch(`${base}/api/kernelspecs`)).status, 403);
    assert.equal((await fetch(`${base}/api/kernelspecs`, { headers: { Authorization: "token wrong" } })).status, 403);
  });

  await t.test("lists the TypeScript kernel and serves notebooks/ as its root", async () => {
    const headers = { Authorization: `token ${token}` };
    const specs = (await (await fetch(`${base}/api/kernelspecs`, { headers })).json()) as { kernelspecs: Record<string, { spec: { display_name: string; argv: string[] } }> };
    assert.equal(specs.kernelspecs.tslab.spec.display_name, "TypeScript");
    assert.ok(specs.kernelspecs.tslab.spec.argv[1].startsWith(projectRoot));
    const contents = (await (await fetch(`${base}/api/contents`, { headers })).json()) as { content: { name: string }[] };
    assert.ok(contents.content.some((entry) => entry.name === "00-check-setup.ipynb"));
  });

  await t.test("listens on loopback only", async () => {
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((a) => a && a.family === "IPv4" && !a.internal)?.address;
    if (!external) return t.diagnostic("no non-loopback IPv4 address on this machine to probe");
    await assert.rejects(fetch(`http://${external}:${port}/api/status`));
  });

  // A running kernel must die with the server.
  const kernel = (await (await fetch(`${base}/api/kernels`, { method: "POST", headers: { Authorization: `token ${token}` }, body: JSON.stringify({ name: "tslab" }) })).json()) as { id: string };
  const kernelPids = await until("the kernel process", () => {
    const pids = pidsMatching(`kernel-${kernel.id}.json`);
    return pids.length ? pids : undefined;
  });
  const serverPids = pidsMatching(`--NotebookApp.port=${port}`).concat(pidsMatching(`--ServerApp.port=${port}`));
  assert.ok(serverPids.length > 0, "the Jupyter server process is visible");

  process.kill(-child.pid!, "SIGINT");
  // npm itself dies of the signal; what matters is that start.ts stopped Jupyter and every kernel.
  await exited;
  await until("every process to exit", () => ([...kernelPids, ...serverPids].some(alive) ? undefined : true), 15000);
  await until("start.ts to report it stopped", () => (/start: stopped\./.test(stdout) ? true : undefined), 5000);
});
