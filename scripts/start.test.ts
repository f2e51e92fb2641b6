// `npm start` as a student runs it: it answers on loopback only, refuses requests without the token,
// lists the project-local TypeScript kernel, and a stop leaves no Jupyter server or kernel behind:
// Ctrl-C (SIGINT to the terminal's process group) and a `kill -INT` on npm's PID alone. A taken port
// is one sentence.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
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

/** `npm start` in its own process group (so a test can deliver Ctrl-C as a terminal does: to the group). */
function npmStart(port: number) {
  const child = spawn("npm", ["start", "--", "--no-browser", "--port", String(port)], { cwd: projectRoot, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  after(() => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      /* already gone */
    }
  });
  const output = { stdout: "", stderr: "" };
  child.stdout.on("data", (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output.stderr += chunk.toString()));
  const url = () => until("the course URL", () => output.stdout.match(/http:\/\/127\.0\.0\.1:\d+\/\S*token=\w+/)?.[0]).then((u) => new URL(u));
  return { child, exited, output, url };
}

/** The pids of the server on `port` and of a kernel it was asked to start. */
async function serverAndKernel(port: number, token: string): Promise<number[]> {
  const base = `http://127.0.0.1:${port}`;
  const kernel = (await (await fetch(`${base}/api/kernels`, { method: "POST", headers: { Authorization: `token ${token}` }, body: JSON.stringify({ name: "tslab" }) })).json()) as { id: string };
  const kernelPids = await until("the kernel process", () => {
    const pids = pidsMatching(`kernel-${kernel.id}.json`);
    return pids.length ? pids : undefined;
  });
  const serverPids = pidsMatching(`--ServerApp.port=${port}`);
  assert.ok(serverPids.length > 0, "the Jupyter server process is visible");
  return [...kernelPids, ...serverPids];
}

test("npm start serves the course on loopback with a token and Ctrl-C stops everything", { timeout: 90_000 }, async (t) => {
  const port = await freePort();
  const { child, exited, output, url: courseUrl } = npmStart(port);
  const url = await courseUrl();
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

  await t.test("prints a command that finds the server again", () => {
    assert.match(output.stdout, /JUPYTER_RUNTIME_DIR=build\/jupyter\/runtime \S*jupyter server list/);
  });

  // A running kernel must die with the server.
  const pids = await serverAndKernel(port, token);
  process.kill(-child.pid!, "SIGINT");
  // npm itself dies of the signal; what matters is that start.ts stopped Jupyter and every kernel.
  await exited;
  await until("every process to exit", () => (pids.some(alive) ? undefined : true), 15000);
  await until("start.ts to report it stopped", () => (/start: stopped\./.test(output.stdout) ? true : undefined), 5000);
  assert.doesNotMatch(output.stderr, /Fatal Python error|Traceback/, "a stop must not look like a crash");
});

test("kill -INT on npm's PID alone stops the server and every kernel", { timeout: 90_000 }, async () => {
  const port = await freePort();
  const { child, exited, output, url } = npmStart(port);
  const token = (await url()).searchParams.get("token")!;
  const pids = await serverAndKernel(port, token);
  const starter = pidsMatching("scripts/start.ts").filter((pid) => pid !== process.pid);
  assert.ok(starter.length > 0, "start.ts runs under npm");
  process.kill(child.pid!, "SIGINT"); // npm's PID only, not its group: what `kill -INT <pid>` does
  await exited;
  await until("the server, the kernel and start.ts to exit", () => ([...pids, ...starter].some(alive) ? undefined : true), 15000);
  assert.match(output.stdout, /start: stopped\./);
  assert.doesNotMatch(output.stderr, /Fatal Python error|Traceback/);
});

test("a taken port is one sentence naming it and --port, and nothing starts", { timeout: 60_000 }, async () => {
  const blocker = net.createServer();
  const port = await new Promise<number>((resolve) => blocker.listen(0, "127.0.0.1", () => resolve((blocker.address() as net.AddressInfo).port)));
  try {
    const { exited, output } = npmStart(port);
    assert.equal(await exited, 1);
    const lines = output.stderr.split("\n").filter((l) => l.startsWith("start:"));
    assert.equal(lines.length, 1, output.stderr);
    assert.match(lines[0]!, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use.*--port N`));
    assert.doesNotMatch(output.stderr, /Traceback|Fatal|exited with code/);
    assert.deepEqual(pidsMatching(`port=${port}`), [], "no Jupyter server started");
  } finally {
    blocker.close();
  }
});
