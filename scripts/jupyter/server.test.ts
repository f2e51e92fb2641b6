// startJupyterServer: loopback + token, and no orphan server even when its Node parent is killed hard.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { projectRoot } from "./paths";
import { isAlive as alive } from "../runner/processes";

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
