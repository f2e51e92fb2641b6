// What the cluster tests share: the worker CLI, whether redis-server exists here, a free port.
import { spawnSync } from "node:child_process";
import net from "node:net";
import path from "node:path";

export const CLI = path.resolve(__dirname, "..", "..", "dist", "cli.js");
export const hasRedis = spawnSync("redis-server", ["--version"]).status === 0;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.once("error", reject);
  });
}
