// The classic Jupyter Notebook 6 UI, driven the way a student uses it: the file browser, the menus
// (Kernel → Change kernel, Cell → Run All, Insert, Kernel → Interrupt, File → Close and Halt) and the
// keyboard. State is only *read* from the page's `Jupyter` object.
//
// In-page code is passed as strings: tsx compiles this file with esbuild's keepNames, which would
// wrap functions written inline in `__name(...)` calls that do not exist in the browser.
import type { BrowserContext, Dialog, Page } from "playwright-core";
import type { CellReport, NotebookUi, OpenNotebook } from "./driver";

const POLL_MS = 250;

/**
 * Whether `expression` holds in the page now. A page that is navigating has no context to evaluate
 * in: that counts as "not yet" (a full test run here once failed with "Execution context was
 * destroyed" while a freshly opened notebook tab was still loading).
 */
async function holds(page: Page, expression: string): Promise<boolean> {
  try {
    return Boolean(await page.evaluate(expression));
  } catch (error) {
    if (/Execution context was destroyed|navigat/i.test((error as Error).message)) return false;
    throw error;
  }
}

async function until(page: Page, what: string, expression: string, timeoutMs: number, explain?: () => Promise<string>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await holds(page, expression)) return;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${explain ? `: ${await explain()}` : ""}`);
    }
    await page.waitForTimeout(POLL_MS);
  }
}

const KERNEL_IDLE = `document.querySelector("#kernel_indicator_icon")?.classList.contains("kernel_idle_icon") === true`;

const READ_CELLS = `(() => {
  const out = [];
  Jupyter.notebook.get_cells().forEach((cell, index) => {
    if (cell.cell_type !== "code") return;
    const element = cell.element[0];
    const output = element.querySelector(".output");
    const errors = Array.from(element.querySelectorAll(".output_stderr, .output_error")).map((e) => e.innerText);
    out.push({
      index: index,
      source: cell.get_text(),
      tags: (cell.metadata && cell.metadata.tags) || [],
      executionCount: typeof cell.input_prompt_number === "number" ? cell.input_prompt_number : undefined,
      text: output ? output.innerText : "",
      errorText: errors.join("\\n"),
      svgCount: output ? output.querySelectorAll("svg").length : 0,
    });
  });
  return out;
})()`;

/** Opens a menu of the menu bar and clicks one of its items (optionally inside a submenu). */
async function menu(page: Page, menuId: string, itemSelector: string, submenuId?: string): Promise<void> {
  await page.click(`#${menuId}`);
  if (submenuId) await page.hover(`#${submenuId}`);
  await page.click(itemSelector);
}

class ClassicNotebook implements OpenNotebook {
  constructor(
    readonly page: Page,
    readonly path: string,
  ) {}

  async disableAutosave(): Promise<void> {
    await this.page.evaluate(`Jupyter.notebook.set_autosave_interval(0)`);
    const interval = await this.page.evaluate(`Jupyter.notebook.autosave_interval`);
    if (interval !== 0) throw new Error(`autosave of ${this.path} is still on (interval ${String(interval)})`);
  }

  async chooseKernel(displayName: string): Promise<void> {
    await menu(this.page, "kernellink", `#menu-change-kernel-submenu a:text-is("${displayName}")`, "menu-change-kernel");
    await until(this.page, `the ${displayName} kernel`, `Jupyter.notebook.kernel !== null && Jupyter.notebook.kernel.is_connected() && ${KERNEL_IDLE}`, 60_000);
  }

  async kernelDisplayName(): Promise<string> {
    return (await this.page.textContent("#kernel_indicator .kernel_indicator_name"))?.trim() ?? "";
  }

  async setCellSource(index: number, source: string): Promise<void> {
    const editor = this.page.locator("#notebook-container .cell").nth(index).locator(".CodeMirror");
    await editor.click();
    await this.page.keyboard.press("Control+A");
    // One input event, like a paste: CodeMirror's auto-closing of brackets does not apply.
    await this.page.keyboard.insertText(source);
    await this.page.keyboard.press("Escape");
    const typed = await this.page.evaluate(`Jupyter.notebook.get_cell(${index}).get_text()`);
    if (typed !== source) throw new Error(`cell ${index} of ${this.path} reads ${JSON.stringify(typed)} after typing ${JSON.stringify(source)}`);
  }

  async runAll(): Promise<void> {
    await menu(this.page, "celllink", "#run_all_cells > a");
  }

  async waitUntilAllRan(timeoutMs: number): Promise<void> {
    const state = `(() => {
      const cells = Jupyter.notebook.get_cells().filter((c) => c.cell_type === "code");
      return {
        idle: ${KERNEL_IDLE},
        running: cells.some((c) => c.input_prompt_number === "*"),
        missing: Jupyter.notebook.get_cells().flatMap((c, i) => (c.cell_type === "code" && typeof c.input_prompt_number !== "number" ? [i] : [])),
      };
    })()`;
    const deadline = Date.now() + timeoutMs;
    let settledSince: number | undefined;
    for (;;) {
      const now = (await this.page.evaluate(state)) as { idle: boolean; running: boolean; missing: number[] };
      if (now.idle && now.missing.length === 0) return;
      // Idle with nothing queued, yet cells without a count: the kernel aborted them (after an
      // error, tslab drops what follows). Give a late reply a moment, then say so instead of waiting on.
      settledSince = now.idle && !now.running ? (settledSince ?? Date.now()) : undefined;
      if (settledSince !== undefined && Date.now() - settledSince > 5000) {
        const failed = (await this.codeCells()).filter((c) => c.errorText !== "");
        const errors = failed.map((c) => `cell ${c.index}: ${c.errorText.split("\n").slice(0, 5).join("\n  ")}`).join("\n");
        throw new Error(`the kernel finished ${this.path} but cells ${now.missing.join(", ")} have no execution count (aborted after an error)${errors ? `:\n${errors}` : ""}`);
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${timeoutMs} ms waiting for every cell of ${this.path} to run; cells without a count: ${now.missing.join(", ")}`);
      }
      await this.page.waitForTimeout(POLL_MS);
    }
  }

  async appendAndRun(source: string): Promise<number> {
    // Shift+Enter on the last cell leaves an empty code cell below it, as it does for a student: type
    // into that one; otherwise select the last cell (a click on its prompt area selects without
    // editing) and add one with Insert → Insert Cell Below.
    let index = (await this.page.evaluate(`(() => {
      const last = Jupyter.notebook.get_cells().length - 1;
      const cell = Jupyter.notebook.get_cell(last);
      return cell.cell_type === "code" && cell.get_text() === "" && cell.input_prompt_number == null ? last : -1;
    })()`)) as number;
    if (index < 0) {
      await this.page.locator("#notebook-container .cell").last().click({ position: { x: 8, y: 8 } });
      await this.page.keyboard.press("Escape");
      await menu(this.page, "insertlink", "#insert_cell_below > a");
      index = (await this.page.evaluate(`Jupyter.notebook.get_selected_index()`)) as number;
    }
    await this.page.locator("#notebook-container .cell").nth(index).locator(".CodeMirror").click();
    await this.page.keyboard.insertText(source);
    const typed = await this.page.evaluate(`Jupyter.notebook.get_cell(${index}).get_text()`);
    if (typed !== source) throw new Error(`the new cell ${index} reads ${JSON.stringify(typed)} after typing ${JSON.stringify(source)}`);
    await this.page.keyboard.press("Shift+Enter");
    return index;
  }

  async waitUntilCellRan(index: number, timeoutMs: number): Promise<void> {
    await until(this.page, `cell ${index} of ${this.path} to finish`, `${KERNEL_IDLE} && typeof Jupyter.notebook.get_cell(${index}).input_prompt_number === "number"`, timeoutMs);
  }

  async waitUntilCellRunning(index: number, timeoutMs: number): Promise<void> {
    await until(this.page, `cell ${index} of ${this.path} to start`, `!(${KERNEL_IDLE}) && Jupyter.notebook.get_cell(${index}).input_prompt_number === "*"`, timeoutMs);
  }

  async interrupt(): Promise<void> {
    await menu(this.page, "kernellink", "#int_kernel > a");
  }

  async codeCells(): Promise<CellReport[]> {
    return (await this.page.evaluate(READ_CELLS)) as CellReport[];
  }

  async screenshot(file: string): Promise<void> {
    // The notebook scrolls inside #site, whose height the UI pins to the window: let it grow to
    // its content so a full-page screenshot holds every cell, then let the UI pin it again.
    await this.page.evaluate(`(() => {
      const site = document.querySelector("#site");
      site.style.height = "auto";
      site.style.overflow = "visible";
      document.body.style.overflow = "visible";
      document.body.style.height = "auto";
      document.documentElement.style.overflow = "visible";
    })()`);
    await this.page.screenshot({ path: file, fullPage: true });
    await this.page.evaluate(`(() => {
      document.body.style.overflow = "";
      document.body.style.height = "";
      document.documentElement.style.overflow = "";
      document.querySelector("#site").style.overflow = "";
      window.dispatchEvent(new Event("resize"));
    })()`);
  }

  async closeAndHalt(): Promise<void> {
    if (this.page.isClosed()) return;
    // Closing asks "Unsaved changes will be lost." when the notebook is dirty: yes, they will.
    const accept = (dialog: Dialog) => void dialog.accept();
    this.page.on("dialog", accept);
    const closed = this.page.waitForEvent("close", { timeout: 30_000 }).catch(() => undefined);
    await menu(this.page, "filelink", "#close_and_halt > a");
    await closed;
    if (!this.page.isClosed()) await this.page.close({ runBeforeUnload: false });
  }
}

/** The classic Jupyter Notebook 6 (`notebook` package), the app `npm start` serves where JupyterLab is missing. */
export const classicNotebookUi: NotebookUi = {
  name: "Jupyter Notebook (classic)",

  async login(context: BrowserContext, browserUrl: string): Promise<void> {
    const page = await context.newPage();
    await page.goto(browserUrl);
    await page.waitForSelector("#notebook_list");
    await page.close();
  },

  async open(context: BrowserContext, baseUrl: string, path: string): Promise<OpenNotebook> {
    const slash = path.lastIndexOf("/");
    const folder = slash < 0 ? "" : path.slice(0, slash);
    const name = path.slice(slash + 1);
    const tree = await context.newPage();
    await tree.goto(`${baseUrl}/tree/${folder}`);
    const link = tree.locator("#notebook_list a.item_link", { has: tree.locator(`span.item_name:text-is("${name}")`) });
    // The file browser opens notebooks in a new tab.
    const [page] = await Promise.all([context.waitForEvent("page"), link.click()]);
    await tree.close();
    await page.waitForLoadState("domcontentloaded");
    const notebook = new ClassicNotebook(page, path);
    await until(page, `${path} to load`, `typeof Jupyter !== "undefined" && Jupyter.notebook !== undefined && Jupyter.notebook._fully_loaded === true`, 60_000);
    // First thing after loading: the UI must never write this file.
    await notebook.disableAutosave();
    await until(page, `the kernel of ${path}`, `Jupyter.notebook.kernel !== null && Jupyter.notebook.kernel.is_connected() && ${KERNEL_IDLE}`, 120_000);
    return notebook;
  },
};
