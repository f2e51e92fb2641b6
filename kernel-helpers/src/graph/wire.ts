/**
 * What travels through Redis for the 'cluster' scheduler. BullMQ stores job data and return values
 * as JSON, which would turn a Float64Array chunk or a Map into a plain object; so both directions
 * carry V8's structured-clone serialization (what worker threads use) as base64.
 */
import v8 from "node:v8";
import type { ShippedFunction } from "../ship/ship";

/** A job's data. */
export interface WireTask {
  /** base64 of v8.serialize({ fn, args }). */
  readonly payload: string;
  /** The task's key, for logs and `bullmq` dashboards. */
  readonly key: string;
}

/** What a worker returns: base64 of v8.serialize(WireOutcome). */
export type WireOutcome =
  | { ok: true; value: unknown; start: number; end: number; workerId: string }
  | { ok: false; error: unknown; start: number; end: number; workerId: string };

export function encode(value: unknown): string {
  return v8.serialize(value).toString("base64");
}

export function decode<T>(text: string): T {
  return v8.deserialize(Buffer.from(text, "base64")) as T;
}

/** The task body a worker decodes. */
export interface TaskBody {
  readonly fn: ShippedFunction;
  readonly args: readonly unknown[];
}

/**
 * BullMQ connection options from a `redis://[user:password@]host:port[/db]` URL (also `rediss://`
 * for TLS).
 */
export function redisConnection(url: string): { host: string; port: number; username?: string; password?: string; db?: number; tls?: object; maxRetriesPerRequest: null } {
  const u = new URL(url);
  if (u.protocol !== "redis:" && u.protocol !== "rediss:") throw new TypeError(`not a redis:// URL: ${JSON.stringify(url)}`);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : undefined;
  return {
    host: u.hostname || "127.0.0.1",
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(db !== undefined && Number.isInteger(db) ? { db } : {}),
    ...(u.protocol === "rediss:" ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}

/** The queue both sides use unless told otherwise. */
export const DEFAULT_QUEUE = "kernel-helpers-tasks";
