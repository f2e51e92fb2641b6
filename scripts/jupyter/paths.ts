// Where the project keeps its own Jupyter state. Everything under build/ is made by `npm run setup`.
import fs from "node:fs";
import path from "node:path";

export const projectRoot = path.resolve(__dirname, "..", "..");
export const notebooksDir = path.join(projectRoot, "notebooks");
/** JUPYTER_PATH for every server we start: holds kernels/tslab/kernel.json. */
export const jupyterDataDir = path.join(projectRoot, "build", "jupyter");
/** A config dir of our own, so a user's global config (say, one that disables the token) never applies. */
export const jupyterConfigDir = path.join(jupyterDataDir, "config");
export const jupyterRuntimeDir = path.join(jupyterDataDir, "runtime");

/** What `npm run setup` found: the Python that has Jupyter and the app to serve the course with. */
export interface JupyterEnv {
  readonly python: string;
  readonly app: "lab" | "notebook";
  readonly jupyterServer: string;
}

export function readJupyterEnv(): JupyterEnv {
  const file = path.join(jupyterDataDir, "env.json");
  if (!fs.existsSync(file) || !fs.existsSync(path.join(jupyterDataDir, "kernels", "tslab", "kernel.json"))) {
    throw new Error(`The project-local Jupyter set-up is missing (${path.relative(projectRoot, file)}): run \`npm run setup\` first.`);
  }
  return JSON.parse(fs.readFileSync(file, "utf8")) as JupyterEnv;
}
