/** The address ranks on other machines reach this one at. */
import os from "node:os";

/** The first non-loopback IPv4 address, or 127.0.0.1 on a machine without one. */
export function publicHost(): string {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  }
  return "127.0.0.1";
}
