// What the browser test needs from a notebook UI, independent of which one serves the course. Both
// UIs the course runs on are built from JupyterLab's components: JupyterLab 4 itself and Notebook 7
// (`lab.ts` drives both), so the test itself never names a UI's selectors.
import type { BrowserContext, Page } from "playwright-core";

/** An `image/svg+xml` output (a chart) as the page renders it. */
export interface ChartReport {
  /** The output holds an `<svg>` document (inline, or as the `data:image/svg+xml` image JupyterLab makes of it). */
  readonly isSvg: boolean;
  /** The browser decoded and laid it out (an image that failed to load is not rendered). */
  readonly rendered: boolean;
  /** Its size on the page, in CSS pixels. */
  readonly width: number;
  readonly height: number;
}

/** One code cell as the page shows it. */
export interface CellReport {
  /** Position among all cells (markdown included), as in the .ipynb file. */
  readonly index: number;
  readonly source: string;
  readonly tags: readonly string[];
  /** The number in `[n]:`; undefined when the cell never ran, was aborted, or is queued or running. */
  readonly executionCount: number | undefined;
  /** The prompt shows `[*]:`: queued or running. */
  readonly running: boolean;
  /** All visible output text of the cell (stdout, stderr, rich text), in order. */
  readonly text: string;
  /** Text of stderr streams and error outputs: tslab reports a failing cell as stderr text. */
  readonly errorText: string;
  /** The cell's `image/svg+xml` outputs. */
  readonly charts: readonly ChartReport[];
}

/** One element of a cell's output area, as sampled while the cell runs. */
export interface OutputElement {
  /** Stays the same for as long as the page keeps the same element (assigned by the driver on first sight). */
  readonly key: string;
  readonly text: string;
}

/** A notebook open in the UI. */
export interface OpenNotebook {
  readonly page: Page;
  /** Path relative to the server's root, e.g. `instructor/01-serial-baseline.ipynb`. */
  readonly path: string;
  /** The display name of the kernel the notebook is connected to, as the UI shows it. */
  kernelDisplayName(): Promise<string>;
  /** The id of the kernel (its connection file is `kernel-<id>.json`, which names its process). */
  kernelId(): Promise<string>;
  /** Replaces the source of the cell at `index` by typing into its editor; leaves that cell selected. */
  setCellSource(index: number, source: string): Promise<void>;
  /** Runs every cell from the menu bar (Run ▸ Run All Cells). */
  runAll(): Promise<void>;
  /** Selects the cell at `index` and runs it and every cell below (Run ▸ Run Selected Cell and All Below). */
  runFrom(index: number): Promise<void>;
  /**
   * Resolves when the kernel is idle and no cell is queued or running any more; returns the indices
   * of code cells that have no execution count then (never ran, or the kernel aborted them).
   */
  waitUntilSettled(timeoutMs: number): Promise<number[]>;
  /** Selects the cell at `index` and runs it with Shift+Enter; resolves once the run has started. */
  runCell(index: number): Promise<void>;
  /** Appends a code cell below the last one, types `source` and runs it with Shift+Enter; returns its index. */
  appendAndRun(source: string): Promise<number>;
  /** Resolves when the cell at `index` has finished (has an execution count) and the kernel is idle. */
  waitUntilCellRan(index: number, timeoutMs: number): Promise<void>;
  /** Resolves when the cell at `index` is running (the kernel is busy with it). */
  waitUntilCellRunning(index: number, timeoutMs: number): Promise<void>;
  /** The elements of the cell's output area right now. */
  outputElements(index: number): Promise<OutputElement[]>;
  /** Interrupts the kernel from the menu bar (Kernel ▸ Interrupt Kernel). */
  interrupt(): Promise<void>;
  /** Restarts the kernel from the menu bar (Kernel ▸ Restart Kernel…, confirmed); resolves when the new kernel is idle. */
  restartKernel(timeoutMs: number): Promise<void>;
  /** Every code cell as the page shows it. */
  codeCells(): Promise<CellReport[]>;
  /**
   * A screenshot of the whole notebook, every cell, not just the visible part: `file`, and for a
   * notebook taller than the browser can picture at once, `file`'s `-2.png`, `-3.png`, … parts.
   * Resolves to the files written.
   */
  screenshot(file: string): Promise<string[]>;
  /** Shuts the kernel down and closes the notebook, discarding every change (File ▸ Close and Shut Down Notebook…). */
  closeAndHalt(): Promise<void>;
}

/** A notebook UI: how to log in and how to open a notebook the way a student does. */
export interface NotebookUi {
  readonly name: string;
  /** Opens the server's token URL, which sets the login cookie for the rest of the session. */
  login(context: BrowserContext, browserUrl: string): Promise<void>;
  /**
   * Opens `path` by double-clicks in the file browser; on return the notebook is loaded, its kernel
   * idle, and autosave off.
   */
  open(context: BrowserContext, baseUrl: string, path: string): Promise<OpenNotebook>;
}
