/**
 * Checks that a Redis server answers (and accepts our password) before BullMQ gets the address.
 * BullMQ's connection keeps trying in the background and, once its queue is closed and its
 * listeners are gone, emits its connection error anyway, which kills the process (in a notebook:
 * the kernel). A plain RESP `PING` on our own socket fails fast, with a clear reason, and leaves
 * nothing behind.
 */
import net from "node:net";
import tls from "node:tls";
import { withDeadline } from "../../base/deadline";

export interface RedisAddress {
  readonly host: string;
  readonly port: number;
  readonly username?: string;
  readonly password?: string;
  readonly tls?: object;
}

/** What went wrong, for the caller's error message. */
export class RedisProbeFailure extends Error {}

function command(...parts: string[]): string {
  return `*${parts.length}\r\n${parts.map((p) => `$${Buffer.byteLength(p)}\r\n${p}\r\n`).join("")}`;
}

/** Resolves once Redis at `address` answered PING (after AUTH when there is a password); rejects with the reason. */
export async function probeRedis(address: RedisAddress, timeoutMs: number): Promise<void> {
  const socket = address.tls ? tls.connect({ host: address.host, port: address.port, servername: address.host }) : net.connect({ host: address.host, port: address.port });
  const replies: string[] = [];
  const expected = address.password ? 2 : 1;
  const answered = new Promise<void>((resolve, reject) => {
    let buffer = "";
    socket.setEncoding("utf8");
    socket.once(address.tls ? "secureConnect" : "connect", () => {
      const auth = address.password ? (address.username ? command("AUTH", address.username, address.password) : command("AUTH", address.password)) : "";
      socket.write(auth + command("PING"));
    });
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      for (let i = buffer.indexOf("\r\n"); i >= 0 && replies.length < expected; i = buffer.indexOf("\r\n")) {
        replies.push(buffer.slice(0, i));
        buffer = buffer.slice(i + 2);
      }
      if (replies.length < expected) return;
      const error = replies.find((r) => r.startsWith("-"));
      if (error) reject(new RedisProbeFailure(error.slice(1)));
      else if (replies[expected - 1] !== "+PONG") reject(new RedisProbeFailure(`it answered ${JSON.stringify(replies[expected - 1])} to PING: is it a Redis server?`));
      else resolve();
    });
    socket.once("error", (error) => reject(new RedisProbeFailure(error.message)));
    socket.once("close", () => reject(new RedisProbeFailure("the connection closed before Redis answered")));
  });
  try {
    await withDeadline(answered, timeoutMs, () => new RedisProbeFailure(`no answer within ${timeoutMs} ms`));
  } finally {
    answered.catch(() => {});
    socket.destroy();
  }
}
