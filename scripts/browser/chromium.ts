// Debian's Chromium, launched headless by playwright-core: never a downloaded browser. The machine
// has no network, so every background service that would dial out is switched off.
import fs from "node:fs";
import { chromium, type BrowserContext } from "playwright-core";

/** Where `.ci/run` (apt's `chromium`) puts the browser. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

export const CHROMIUM_ARGS: readonly string[] = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Why the browser test cannot run here, or undefined when it can. */
export function chromiumMissing(): string | undefined {
  return fs.existsSync(CHROMIUM_PATH) ? undefined : `no Chromium at ${CHROMIUM_PATH} (Debian: apt-get install chromium)`;
}

/**
 * Launches headless Chromium with a profile in `userDataDir`. `env` is added to the browser's
 * environment (the test tags its processes this way to find leftovers).
 */
export async function launchChromium(userDataDir: string, env: Readonly<Record<string, string>>): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS],
    env: { ...(process.env as Record<string, string>), ...env },
    viewport: { width: 1280, height: 900 },
    timeout: 60_000,
  });
}
