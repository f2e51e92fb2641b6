// What the browser test needs from a notebook UI, independent of which one serves the course.
// The classic Notebook (`classic.ts`) is the one installed here; JupyterLab would be a second
// implementation of the same two interfaces, so the test itself never names a UI's selectors.
// Not written yet (JupyterLab is not installed here to run it against); the test skips with a message
// when `npm run setup` chose "lab". Such a driver would open files from `.jp-DirListing`, use the menu
// bar (`Run → Run All Cells`, `Kernel → Change Kernel…`, `Kernel → Interrupt Kernel`), read prompts
// from `.jp-InputPrompt` and stderr from `[data-mime-type="application/vnd.jupyter.stderr"]`, and
// turn autosave off through the document manager's `autosave` setting.
import type { BrowserContext, Page } from "playwright-core";

/** One code cell as the page shows it after a run. */
export interface CellReport {
  /** Position among all cells (markdown included), as in the .ipynb file. */
  readonly index: number;
  readonly source: string;
  readonly tags: readonly string[];
  /** The number in `In [n]`; undefined when the cell never ran (or is still queued or running). */
  readonly executionCount: number | undefined;
  /** All visible output text of the cell (stdout, stderr, rich text), in order. */
  readonly text: string;
  /** Text of stderr streams and error outputs: tslab reports a failing cell as stderr text. */
  readonly errorText: string;
  /** `<svg>` elements rendered in the cell's output (charts). */
  readonly svgCount: number;
}

/** A notebook open in its own browser tab. */
export interface OpenNotebook {
  readonly page: Page;
  /** Path relative to the server's root, e.g. `instructor/01-serial-baseline.ipynb`. */
  readonly path: string;
  /** Turns autosave off, so nothing this test does is ever written back to the file. */
  disableAutosave(): Promise<void>;
  /** Picks a kernel by its display name through the UI's menus (e.g. "TypeScript"). */
  chooseKernel(displayName: string): Promise<void>;
  /** The display name of the kernel the notebook is connected to, as the UI shows it. */
  kernelDisplayName(): Promise<string>;
  /** Replaces the source of the cell at `index` by typing into its editor. */
  setCellSource(index: number, source: string): Promise<void>;
  /** Runs every cell from the UI's menu. */
  runAll(): Promise<void>;
  /** Resolves when the kernel is idle and every code cell has an execution count. */
  waitUntilAllRan(timeoutMs: number): Promise<void>;
  /** Appends a code cell through the UI, types `source` and runs it with Shift+Enter; returns its index. */
  appendAndRun(source: string): Promise<number>;
  /** Resolves when the cell at `index` has finished (has an execution count) and the kernel is idle. */
  waitUntilCellRan(index: number, timeoutMs: number): Promise<void>;
  /** Resolves when the cell at `index` is running (the kernel is busy with it). */
  waitUntilCellRunning(index: number, timeoutMs: number): Promise<void>;
  /** Interrupts the kernel from the UI's menu. */
  interrupt(): Promise<void>;
  /** Every code cell as the page shows it. */
  codeCells(): Promise<CellReport[]>;
  /** A full-page screenshot of the whole notebook, not just the visible part. */
  screenshot(file: string): Promise<void>;
  /** Shuts the kernel down and closes the tab, without saving. */
  closeAndHalt(): Promise<void>;
}

/** A notebook UI: how to log in and how to open a notebook the way a student does. */
export interface NotebookUi {
  readonly name: string;
  /** Opens the server's token URL, which sets the login cookie for the rest of the session. */
  login(context: BrowserContext, browserUrl: string): Promise<void>;
  /** Opens `path` by clicking through the file browser; the notebook is fully loaded on return. */
  open(context: BrowserContext, baseUrl: string, path: string): Promise<OpenNotebook>;
}
