// startJupyterServer: loopback + token, no orphan server even when its Node parent is killed hard, the
// token never on a command line, a private runtime folder, quiet starts and stops, one sentence for a
// taken port.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { jupyterRuntimeDir, projectRoot } from "./paths";
import { freePort, PortInUseError, startJupyterServer } from "./server";
import { isAlive as alive, processTree } from "../runner/processes";

test("the token is on no command line, the runtime folder is 0700 even if it was 0755, start and stop print no warning or fatal error", async () => {
  fs.mkdirSync(jupyterRuntimeDir, { recursive: true });
  fs.chmodSync(jupyterRuntimeDir, 0o755);
  const log: string[] = [];
  const server = await startJupyterServer({ rootDir: os.tmpdir(), onLog: (line) => log.push(line) });
  try {
    assert.equal(fs.statSync(jupyterRuntimeDir).mode & 0o777, 0o700, "runtime folder mode");
    const group = processTree(server.pid);
    assert.ok(group.size >= 2, "watchdog and server");
    for (const pid of group.keys()) {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
      assert.ok(!cmdline.includes(server.token), `process ${pid} shows the token on its command line`);
    }
    assert.equal((await fetch(`${server.baseUrl}/api/status`, { headers: { Authorization: `token ${server.token}` } })).status, 200);
    // Jupyter writes its info files (they hold the token) into the private folder.
    const infos = fs.readdirSync(jupyterRuntimeDir).filter((f) => f.startsWith("jpserver-"));
    assert.ok(infos.length > 0, "the server wrote its info file into build/jupyter/runtime");
  } finally {
    await server.stop();
  }
  const text = log.join("\n");
  assert.doesNotMatch(text, /FutureWarning/, "start printed a traitlets FutureWarning");
  assert.doesNotMatch(text, /Fatal Python error/, "stop printed a fatal Python error");
});

test("a taken port is one PortInUseError naming the port and --port, without starting Jupyter", async () => {
  const port = await freePort();
  const holder = net.createServer();
  await new Promise<void>((resolve) => holder.listen(port, "127.0.0.1", resolve));
  try {
    const log: string[] = [];
    const error = await startJupyterServer({ rootDir: os.tmpdir(), port, onLog: (line) => log.push(line) }).then(
      () => assert.fail("started on a taken port"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof PortInUseError);
    assert.equal(error.code, "ERR_PORT_IN_USE");
    assert.equal(error.message.split("\n").length, 1);
    assert.match(error.message, new RegExp(`port ${port}\\b.*--port`));
    assert.deepEqual(log, [], "Jupyter was started anyway");
  } finally {
    holder.close();
  }
});

test("a server whose Node parent dies by SIGKILL stops by itself", async () => {
  const script = `
    const { startJupyterServer } = require(${JSON.stringify(path.join(projectRoot, "scripts", "jupyter", "server.ts"))});
    startJupyterServer({ rootDir: ${JSON.stringify(os.tmpdir())} }).then((s) => console.log(JSON.stringify({ url: s.baseUrl, token: s.token, pid: s.pid })));
    setInterval(() => {}, 1000);`;
  const parent = spawn(process.execPath, ["--import", "tsx", "-e", script], { cwd: projectRoot, stdio: ["ignore", "pipe", "inherit"] });
  const started = await new Promise<{ url: string; token: string; pid: number }>((resolve, reject) => {
    let out = "";
    parent.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line) resolve(JSON.parse(line));
    });
    parent.once("exit", (code) => reject(new Error(`parent exited early with ${code}`)));
  });
  assert.equal(new URL(started.url).hostname, "127.0.0.1");
  assert.equal((await fetch(`${started.url}/api/status`)).status, 403, "no token, no answer");
  assert.equal((await fetch(`${started.url}/api/status`, { headers: { Authorization: `token ${started.token}` } })).status, 200);

  parent.kill("SIGKILL");
  const deadline = Date.now() + 20000;
  while (alive(started.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.equal(alive(started.pid), false, "the server outlived its parent");
  await assert.rejects(fetch(`${started.url}/api/status`));
});
