// JupyterLab 4 and Notebook 7, driven the way a student uses them: double-clicks in the file
// browser, the menu bar (Run ▸ Run All Cells, Kernel ▸ Interrupt Kernel, Kernel ▸ Restart Kernel…,
// File ▸ Close and Shut Down Notebook…) and the keyboard. Notebook 7 is made of JupyterLab's
// components (the same file browser, menus and `.jp-Notebook`); it differs in where the file
// browser lives (`/tree`) and in opening each notebook in a tab of its own (`/notebooks/<path>`).
//
// State is only *read* from the page: the DOM for what a student sees (prompts, outputs, the kernel
// name), and the application object the server exposes (`window.jupyterapp`, see
// `labServerOptions`) for cell sources, tags and the kernel's status and id.
//
// In-page code is passed as strings: tsx compiles this file with esbuild's keepNames, which would
// wrap functions written inline in `__name(...)` calls that do not exist in the browser.
import fs from "node:fs";
import path from "node:path";
import type { BrowserContext, Locator, Page } from "playwright-core";
import type { CellReport, NotebookUi, OpenNotebook, OutputElement } from "./driver";

export type LabApp = "lab" | "notebook";

const POLL_MS = 200;
/** Chromium renders a screenshot of at most this many CSS pixels' height here (a notebook may be taller). */
const MAX_SCREENSHOT_HEIGHT = 20_000;

/** The user settings every test server starts with: nothing the test does may reach a file. */
const SETTINGS: Readonly<Record<string, object>> = {
  // Never write a notebook back (the route guard in the test refuses it anyway).
  "@jupyterlab/docmanager-extension:plugin": { autosave: false },
  // Every cell and output in the DOM, not only those in view: the test reads them all, and a
  // screenshot of a tall viewport shows them all.
  "@jupyterlab/notebook-extension:tracker": { windowingMode: "none" },
  // No "would you like to get notified about Jupyter news?" toast, no request to the internet.
  "@jupyterlab/apputils-extension:notification": { fetchNews: "false", checkForUpdates: false },
};

/**
 * What a test server needs besides `npm start`'s options: user settings and workspaces in folders of
 * the test's own under `stateDir` (never the project's `build/jupyter/config`, which `npm start`
 * shares), written before the server starts so they hold from the first page; and the application
 * object exposed as `window.jupyterapp`, for the driver to read state.
 */
export function labServerOptions(app: LabApp, stateDir: string): { env: Record<string, string>; extraArgs: string[] } {
  const settingsDir = path.join(stateDir, "settings");
  for (const [plugin, values] of Object.entries(SETTINGS)) {
    const [pkg, name] = plugin.split(":") as [string, string];
    const file = path.join(settingsDir, pkg, `${name}.jupyterlab-settings`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(values, null, 2));
  }
  const appClass = app === "lab" ? "LabApp" : "JupyterNotebookApp";
  return {
    env: { JUPYTERLAB_SETTINGS_DIR: settingsDir, JUPYTERLAB_WORKSPACES_DIR: path.join(stateDir, "workspaces") },
    extraArgs: [`--${appClass}.expose_app_in_browser=True`],
  };
}

/**
 * Whether `expression` holds in the page now. A page that is navigating (or closing) has no context
 * to evaluate in: that counts as "not yet".
 */
async function holds(page: Page, expression: string): Promise<boolean> {
  try {
    return Boolean(await page.evaluate(expression));
  } catch (error) {
    if (/Execution context was destroyed|navigat|Target page, context or browser has been closed/i.test((error as Error).message)) return false;
    throw error;
  }
}

async function until(page: Page, what: string, expression: string, timeoutMs: number, explain?: () => Promise<string>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await holds(page, expression)) return;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${explain ? `: ${await explain().catch((e: Error) => e.message)}` : ""}`);
    }
    await page.waitForTimeout(POLL_MS);
  }
}

/** The notebook panel showing `notebookPath`, as an in-page expression (null while there is none). */
function panelOf(notebookPath: string): string {
  return `(() => {
    if (!window.jupyterapp) return null;
    for (const w of window.jupyterapp.shell.widgets("main")) {
      if (w.context && w.context.path === ${JSON.stringify(notebookPath)} && w.content && w.content.widgets && !w.isDisposed) return w;
    }
    return null;
  })()`;
}

/** Opens a menu of the menu bar and clicks the item that runs `command` (Lumino's `data-command`). */
async function menu(page: Page, label: string, command: string): Promise<void> {
  await page.locator(".lm-MenuBar-item", { hasText: new RegExp(`^${label}$`) }).click();
  const item = page.locator(`.lm-Menu .lm-Menu-item[data-command="${command}"]`);
  await item.waitFor({ state: "visible", timeout: 10_000 });
  if ((await item.getAttribute("aria-disabled")) === "true") {
    await page.keyboard.press("Escape");
    throw new Error(`the menu item ${label} ▸ ${command} is disabled`);
  }
  await item.click();
}

/** The visible dialog, if any. */
function dialog(page: Page): Locator {
  return page.locator(".jp-Dialog:visible");
}

/** The file browser's entry named exactly `name`. */
function listingItem(page: Page, name: string): Locator {
  return page.locator(".jp-DirListing-item", { has: page.locator(`.jp-DirListing-itemText`, { hasText: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`) }) });
}

/** The file browser lists `folder` ("" for the root): its breadcrumbs name it and it shows the server's entries of it. */
async function showsFolder(page: Page, folder: string): Promise<void> {
  const expression = `(async () => {
    const crumbs = Array.from(document.querySelectorAll(".jp-FileBrowser-crumbs .jp-BreadCrumbs-item"));
    const here = crumbs.length ? crumbs[crumbs.length - 1].getAttribute("data-path") : "";
    if (here !== ${JSON.stringify(folder)}) return false;
    const listing = await (await fetch(${JSON.stringify(`/api/contents/${folder}`)} + "?content=1&type=directory")).json();
    const expected = listing.content.map((e) => e.name).filter((n) => !n.startsWith(".")).sort().join("\\n");
    const shown = Array.from(document.querySelectorAll(".jp-DirListing-content .jp-DirListing-item .jp-DirListing-itemText")).map((e) => e.textContent.trim()).sort().join("\\n");
    return shown === expected;
  })()`;
  await until(page, `the file browser to list ${folder || "the root folder"}`, expression, 30_000);
}

/**
 * Opens `notebookPath` from the file browser as a student does: to the root folder (the breadcrumbs'
 * home) if it shows another, double-clicks down the folders, double-clicks the notebook.
 */
async function openFromFileBrowser(page: Page, notebookPath: string): Promise<void> {
  const parts = notebookPath.split("/");
  const name = parts.pop()!;
  await page.waitForSelector(".jp-FileBrowser-crumbs", { timeout: 60_000 });
  if ((await page.locator(".jp-FileBrowser-crumbs .jp-BreadCrumbs-item").count()) > 0) await page.locator(".jp-FileBrowser-crumbs .jp-BreadCrumbs-home").click();
  await showsFolder(page, "");
  let here = "";
  for (const folder of parts) {
    await listingItem(page, folder).dblclick();
    here = here ? `${here}/${folder}` : folder;
    await showsFolder(page, here);
  }
  await listingItem(page, name).dblclick();
}

class LabNotebook implements OpenNotebook {
  private readonly panel: string;

  constructor(
    readonly page: Page,
    readonly path: string,
    /** JupyterLab's tab outlives the notebook (the next one opens in it); Notebook 7's is the notebook's. */
    private readonly keepPage: boolean,
  ) {
    this.panel = panelOf(path);
  }

  private async evaluate<T>(body: string): Promise<T> {
    return (await this.page.evaluate(`(() => { const panel = ${this.panel}; if (!panel) throw new Error("no notebook panel for ${this.path}"); ${body} })()`)) as T;
  }

  private kernelIdle(): string {
    return `(() => { const panel = ${this.panel}; const k = panel && panel.sessionContext.session && panel.sessionContext.session.kernel; return !!k && k.status === "idle" && k.connectionStatus === "connected"; })()`;
  }

  /** Waits for the kernel the notebook's metadata names, answering a "Select Kernel" dialog if Lab asks. */
  async waitForKernel(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await holds(this.page, this.kernelIdle())) return;
      const shown = dialog(this.page);
      if ((await shown.count()) > 0 && /select kernel/i.test((await shown.first().innerText()).slice(0, 200))) {
        await shown.locator("select").selectOption({ label: "TypeScript" });
        await shown.locator(".jp-Dialog-button.jp-mod-accept").click();
      }
      if (Date.now() > deadline) {
        const status = await this.evaluate<string>(`const k = panel.sessionContext.session && panel.sessionContext.session.kernel; return k ? k.status + "/" + k.connectionStatus : "no kernel";`).catch((e: Error) => e.message);
        throw new Error(`timed out after ${timeoutMs} ms waiting for the kernel of ${this.path} (${status})`);
      }
      await this.page.waitForTimeout(POLL_MS);
    }
  }

  async kernelDisplayName(): Promise<string> {
    return this.evaluate<string>(`const name = panel.node.querySelector(".jp-KernelName"); return name ? name.textContent.trim() : "";`);
  }

  async kernelId(): Promise<string> {
    return this.evaluate<string>(`return panel.sessionContext.session.kernel.id;`);
  }

  /** Selects the cell at `index` in command mode, by a click on its prompt as a student would. */
  private async select(index: number): Promise<void> {
    const prompt = (await this.page.evaluateHandle(`(() => { const p = ${this.panel}; const c = p && p.content.widgets[${index}]; return c ? c.node.querySelector(".jp-InputPrompt") : null; })()`)).asElement();
    if (!prompt) throw new Error(`${this.path} has no cell ${index} with a prompt to click`);
    await prompt.scrollIntoViewIfNeeded();
    await prompt.click();
    await prompt.dispose();
    await this.page.keyboard.press("Escape");
    await until(this.page, `cell ${index} of ${this.path} to be selected`, `(() => { const p = ${this.panel}; return !!p && p.content.activeCellIndex === ${index} && p.content.mode === "command"; })()`, 10_000);
  }

  private async source(index: number): Promise<string> {
    return this.evaluate<string>(`return panel.content.widgets[${index}].model.sharedModel.getSource();`);
  }

  private async executionCount(index: number): Promise<number | null> {
    return this.evaluate<number | null>(`const c = panel.content.widgets[${index}]; return c.model.type === "code" ? (c.model.executionCount ?? null) : null;`);
  }

  async setCellSource(index: number, source: string): Promise<void> {
    await this.select(index);
    // Enter edits the selected cell; Ctrl+A then selects the editor's text, not the notebook's cells.
    await this.page.keyboard.press("Enter");
    await until(this.page, `cell ${index} of ${this.path} in edit mode`, `(() => { const p = ${this.panel}; return !!p && p.content.mode === "edit"; })()`, 10_000);
    await this.page.keyboard.press("Control+A");
    // One input event, like a paste: the editor's auto-closing of brackets does not apply.
    await this.page.keyboard.insertText(source);
    await this.page.keyboard.press("Escape");
    const typed = await this.source(index);
    if (typed !== source) throw new Error(`cell ${index} of ${this.path} reads ${JSON.stringify(typed)} after typing ${JSON.stringify(source)}`);
  }

  /** Every code cell's execution count and whether it shows [*], as one string to compare. */
  private runState(): string {
    return `(() => (${this.panel}).content.widgets.filter((c) => c.model.type === "code").map((c) => String(c.model.executionCount) + (/\\[\\*\\]/.test(c.node.querySelector(".jp-InputPrompt").textContent) ? "*" : "")).join(","))()`;
  }

  /** Clicks a Run menu item; resolves once some cell is queued or has run since. */
  private async runFromMenu(command: string): Promise<void> {
    const before = (await this.page.evaluate(this.runState())) as string;
    await menu(this.page, "Run", command);
    await until(this.page, `Run ▸ ${command} to start cells of ${this.path}`, `(() => { const now = ${this.runState()}; return now.includes("*") || now !== ${JSON.stringify(before)}; })()`, 30_000);
  }

  async runAll(): Promise<void> {
    await this.runFromMenu("runmenu:run-all");
  }

  async runFrom(index: number): Promise<void> {
    await this.select(index);
    await this.runFromMenu("notebook:run-all-below");
  }

  async waitUntilSettled(timeoutMs: number): Promise<number[]> {
    const state = `(() => {
      const panel = ${this.panel};
      const k = panel.sessionContext.session && panel.sessionContext.session.kernel;
      const cells = panel.content.widgets;
      const code = cells.map((c, i) => [c, i]).filter(([c]) => c.model.type === "code");
      return {
        idle: !!k && k.status === "idle",
        running: code.filter(([c]) => /\\[\\*\\]/.test(c.node.querySelector(".jp-InputPrompt").textContent)).length,
        missing: code.filter(([c]) => typeof c.model.executionCount !== "number").map(([, i]) => i),
      };
    })()`;
    const deadline = Date.now() + timeoutMs;
    let quietSince: number | undefined;
    for (;;) {
      const now = (await this.page.evaluate(state)) as { idle: boolean; running: number; missing: number[] };
      // Run All queues every cell at once (each shows [*] until its reply), so idle with nothing
      // queued is the end; the kernel is idle for a moment between two cells, so it must stay so.
      quietSince = now.idle && now.running === 0 ? (quietSince ?? Date.now()) : undefined;
      if (quietSince !== undefined && (now.missing.length === 0 || Date.now() - quietSince > 2000)) return now.missing;
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${this.path} to finish: ${now.running} cells queued or running, ${now.missing.length} without a count, kernel ${now.idle ? "idle" : "busy"}`);
      }
      await this.page.waitForTimeout(POLL_MS);
    }
  }

  /** Shift+Enter on the selected cell; resolves once the cell shows it is queued or has run again. */
  private async shiftEnter(index: number): Promise<void> {
    const before = await this.executionCount(index);
    await this.page.keyboard.press("Shift+Enter");
    await until(
      this.page,
      `cell ${index} of ${this.path} to start`,
      `(() => { const c = (${this.panel}).content.widgets[${index}]; const n = c.model.executionCount; return /\\[\\*\\]/.test(c.node.querySelector(".jp-InputPrompt").textContent) || (typeof n === "number" && n !== ${JSON.stringify(before)}); })()`,
      30_000,
    );
  }

  async runCell(index: number): Promise<void> {
    await this.select(index);
    await this.shiftEnter(index);
  }

  async appendAndRun(source: string): Promise<number> {
    const count = await this.evaluate<number>(`return panel.content.widgets.length;`);
    await this.select(count - 1);
    // B: a new code cell below, selected; Enter: edit it.
    await this.page.keyboard.press("b");
    await until(this.page, `a new cell at the end of ${this.path}`, `(() => { const p = ${this.panel}; return p.content.widgets.length === ${count + 1} && p.content.activeCellIndex === ${count}; })()`, 10_000);
    await this.page.keyboard.press("Enter");
    await until(this.page, `the new cell of ${this.path} in edit mode`, `(${this.panel}).content.mode === "edit"`, 10_000);
    await this.page.keyboard.insertText(source);
    const typed = await this.source(count);
    if (typed !== source) throw new Error(`the new cell ${count} reads ${JSON.stringify(typed)} after typing ${JSON.stringify(source)}`);
    await this.shiftEnter(count);
    return count;
  }

  async waitUntilCellRan(index: number, timeoutMs: number): Promise<void> {
    await until(
      this.page,
      `cell ${index} of ${this.path} to finish`,
      `(() => { const c = (${this.panel}).content.widgets[${index}]; return ${this.kernelIdle()} && typeof c.model.executionCount === "number" && !/\\[\\*\\]/.test(c.node.querySelector(".jp-InputPrompt").textContent); })()`,
      timeoutMs,
    );
  }

  async waitUntilCellRunning(index: number, timeoutMs: number): Promise<void> {
    await until(
      this.page,
      `cell ${index} of ${this.path} to run`,
      `(() => { const p = ${this.panel}; const k = p.sessionContext.session.kernel; const c = p.content.widgets[${index}]; return k.status === "busy" && /\\[\\*\\]/.test(c.node.querySelector(".jp-InputPrompt").textContent); })()`,
      timeoutMs,
    );
  }

  async outputElements(index: number): Promise<OutputElement[]> {
    return this.evaluate<OutputElement[]>(`
      const area = panel.content.widgets[${index}].node.querySelector(".jp-OutputArea");
      if (!area) return [];
      window.__courseOutputKeys = window.__courseOutputKeys || 0;
      return Array.from(area.children).filter((e) => e.classList.contains("jp-OutputArea-child")).map((e) => {
        if (!e.dataset.courseKey) e.dataset.courseKey = String(++window.__courseOutputKeys);
        return { key: e.dataset.courseKey, text: e.innerText };
      });`);
  }

  async interrupt(): Promise<void> {
    await menu(this.page, "Kernel", "kernelmenu:interrupt");
  }

  async restartKernel(timeoutMs: number): Promise<void> {
    // The restart is done when the server answers the UI's restart request (jupyter_client has shut
    // the old kernel down and started the new one by then) and the UI shows the new kernel idle
    // afterwards; before the answer the old kernel may still report "idle" while it shuts down.
    const answered = this.page.waitForResponse((r) => r.request().method() === "POST" && /\/api\/kernels\/[^/]+\/restart$/.test(new URL(r.url()).pathname), { timeout: timeoutMs });
    answered.catch(() => undefined);
    await menu(this.page, "Kernel", "kernelmenu:restart");
    const confirm = dialog(this.page);
    await confirm.waitFor({ state: "visible", timeout: 10_000 });
    const title = await confirm.innerText();
    if (!/restart/i.test(title)) throw new Error(`Kernel ▸ Restart Kernel… showed an unexpected dialog: ${title.slice(0, 200)}`);
    await confirm.locator(".jp-Dialog-button.jp-mod-accept").click();
    const response = await answered;
    if (!response.ok()) throw new Error(`the server refused to restart the kernel of ${this.path}: HTTP ${response.status()} ${await response.text().catch(() => "")}`);
    await until(this.page, `the restarted kernel of ${this.path}`, this.kernelIdle(), timeoutMs);
  }

  async codeCells(): Promise<CellReport[]> {
    return this.evaluate<CellReport[]>(`
      const out = [];
      panel.content.widgets.forEach((cell, index) => {
        if (cell.model.type !== "code") return;
        const node = cell.node;
        const area = node.querySelector(".jp-OutputArea");
        const prompt = node.querySelector(".jp-InputPrompt");
        const count = cell.model.executionCount;
        const errors = Array.from(node.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')).map((e) => e.innerText);
        const charts = Array.from(node.querySelectorAll('.jp-OutputArea-output[data-mime-type="image/svg+xml"]')).map((output) => {
          const svg = output.querySelector("svg");
          const img = output.querySelector("img");
          const element = svg || img;
          const box = element ? element.getBoundingClientRect() : { width: 0, height: 0 };
          let isSvg = !!svg;
          if (!isSvg && img && img.src.startsWith("data:image/svg+xml")) {
            const data = img.src.slice(img.src.indexOf(",") + 1);
            const text = /;base64$/.test(img.src.slice(0, img.src.indexOf(","))) ? atob(data) : decodeURIComponent(data);
            isSvg = /<svg[\\s>]/.test(text);
          }
          const rendered = !!svg || (!!img && img.complete && img.naturalWidth > 0 && img.naturalHeight > 0);
          return { isSvg: isSvg, rendered: rendered, width: box.width, height: box.height };
        });
        out.push({
          index: index,
          source: cell.model.sharedModel.getSource(),
          tags: cell.model.getMetadata("tags") || [],
          executionCount: typeof count === "number" ? count : undefined,
          running: !!prompt && /\\[\\*\\]/.test(prompt.textContent),
          text: area ? area.innerText : "",
          errorText: errors.join("\\n"),
          charts: charts,
        });
      });
      return out;`);
  }

  async screenshot(file: string): Promise<string[]> {
    const viewport = this.page.viewportSize() ?? { width: 1280, height: 900 };
    // The notebook scrolls inside its panel, not the page: make the window as tall as the notebook's
    // content (so every cell is on screen), take the picture, and give the window its size back. A
    // notebook taller than Chromium's limit comes out in parts (`x.png`, `x-2.png`, …), each scrolled on
    // by the height the panel shows, so no cell is left out.
    const scroller = `(() => { const p = ${this.panel}; return p.content.node.querySelector(".jp-WindowedPanel-outer") || p.content.node; })()`;
    const { content, visible } = (await this.page.evaluate(`(() => { const s = ${scroller}; return { content: s.scrollHeight, visible: s.clientHeight }; })()`)) as { content: number; visible: number };
    const height = Math.min(MAX_SCREENSHOT_HEIGHT, viewport.height + Math.max(0, content - visible));
    await this.page.setViewportSize({ width: viewport.width, height });
    const files: string[] = [];
    try {
      // Lumino lays the panels out again on the resize; charts are images that must have loaded.
      await until(this.page, "the notebook to fill the taller window", `(() => { const s = ${scroller}; return s.clientHeight >= Math.min(s.scrollHeight, ${height - viewport.height + visible}) - 2; })()`, 10_000).catch(() => undefined);
      await until(this.page, "the charts to load", `Array.from(document.querySelectorAll(".jp-OutputArea-output img")).every((i) => i.complete)`, 10_000).catch(() => undefined);
      for (let part = 1, top = 0; ; part++) {
        // The end is the last cell's bottom, not scrollHeight: Lab pads a notebook's end with blank room.
        const shown = (await this.page.evaluate(`(() => {
          const s = ${scroller}; s.scrollTop = ${top};
          const cells = s.querySelectorAll(".jp-Cell");
          const last = cells[cells.length - 1];
          const end = last ? last.getBoundingClientRect().bottom - s.getBoundingClientRect().top + s.scrollTop : s.scrollHeight;
          return { top: s.scrollTop, step: s.clientHeight, end };
        })()`)) as { top: number; step: number; end: number };
        const target = part === 1 ? file : file.replace(/\.png$/, `-${part}.png`);
        await this.page.screenshot({ path: target, timeout: 60_000 });
        files.push(target);
        if (shown.top + shown.step >= shown.end - 2 || part >= 10) break;
        top = shown.top + shown.step;
      }
    } finally {
      await this.page.setViewportSize(viewport);
    }
    return files;
  }

  async closeAndHalt(): Promise<void> {
    if (this.page.isClosed()) return;
    let closed = false;
    try {
      if (await holds(this.page, `${this.panel} !== null`)) {
        await menu(this.page, "File", "filemenu:close-and-cleanup");
        // "Shut down the notebook?", and for a notebook with changes "Save your work": shut down, and
        // never save (the route guard would refuse it, and report it).
        const deadline = Date.now() + 30_000;
        while (!this.page.isClosed() && (await holds(this.page, `${this.panel} !== null`)) && Date.now() < deadline) {
          const shown = dialog(this.page);
          if ((await shown.count().catch(() => 0)) > 0) {
            const buttons = shown.first().locator(".jp-Dialog-button");
            const labels = await buttons.allInnerTexts().catch(() => [] as string[]);
            const choice = labels.findIndex((l) => /^(discard|don't save|shut down|ok|close)$/i.test(l.trim()));
            if (choice >= 0) await buttons.nth(choice).click().catch(() => undefined);
          }
          await this.page.waitForTimeout(POLL_MS).catch(() => undefined);
        }
      }
      closed = this.page.isClosed() || !(await holds(this.page, `${this.panel} !== null || document.querySelector(".jp-Dialog") !== null`));
    } finally {
      // A tab that still shows the notebook (or a dialog) is not reused: the next notebook gets a fresh one.
      if (!this.page.isClosed() && (!this.keepPage || !closed)) await this.page.close({ runBeforeUnload: false });
    }
  }
}

function makeUi(app: LabApp): NotebookUi {
  // JupyterLab: one browser tab for the whole session, as a student keeps it, opening one notebook
  // after another; Notebook 7 opens each notebook in a tab of its own from the `/tree` tab.
  const labPages = new WeakMap<BrowserContext, Page>();

  /** The Lab tab, reused while it shows no notebook and no dialog (else a fresh one). */
  async function labPage(context: BrowserContext, baseUrl: string): Promise<Page> {
    const page = labPages.get(context);
    if (page && !page.isClosed()) {
      const clean = await holds(page, `!!window.jupyterapp && !document.querySelector(".jp-Dialog") && Array.from(window.jupyterapp.shell.widgets("main")).every((w) => !w.context)`);
      if (clean) return page;
      await page.close({ runBeforeUnload: false });
    }
    const fresh = await context.newPage();
    // A fresh workspace, so no tab of an earlier notebook comes back.
    await fresh.goto(`${baseUrl}/lab?reset`);
    labPages.set(context, fresh);
    return fresh;
  }

  return {
    name: app === "lab" ? "JupyterLab" : "Notebook 7",

    async login(context: BrowserContext, browserUrl: string): Promise<void> {
      const page = await context.newPage();
      await page.goto(browserUrl);
      await page.waitForSelector(".jp-DirListing-content", { timeout: 60_000 });
      await page.close();
    },

    async open(context: BrowserContext, baseUrl: string, notebookPath: string): Promise<OpenNotebook> {
      let page: Page;
      if (app === "lab") {
        page = await labPage(context, baseUrl);
        await openFromFileBrowser(page, notebookPath);
      } else {
        const tree = await context.newPage();
        await tree.goto(`${baseUrl}/tree`);
        [page] = await Promise.all([context.waitForEvent("page", { timeout: 60_000 }), openFromFileBrowser(tree, notebookPath)]);
        await tree.close();
        await page.waitForLoadState("domcontentloaded");
      }
      const notebook = new LabNotebook(page, notebookPath, app === "lab");
      try {
        await until(page, `${notebookPath} to load`, `(() => { const p = ${panelOf(notebookPath)}; return !!p && p.context.isReady && p.content.widgets.length > 0; })()`, 60_000);
        const config = (await page.evaluate(`(() => { const p = ${panelOf(notebookPath)}; return { windowing: p.content.notebookConfig.windowingMode }; })()`)) as { windowing: string };
        if (config.windowing !== "none") throw new Error(`${notebookPath} opened with windowingMode "${config.windowing}", not "none": off-screen cells would be missing from the page`);
        const autosave = (await page.evaluate(`fetch(${JSON.stringify(`${baseUrl}/lab/api/settings/@jupyterlab/docmanager-extension:plugin`)}).then((r) => r.json()).then((j) => j.settings.autosave)`)) as unknown;
        if (autosave !== false) throw new Error(`autosave is ${String(autosave)} in the document manager's settings: the UI could write ${notebookPath}`);
        await notebook.waitForKernel(120_000);
      } catch (error) {
        await page.close({ runBeforeUnload: false }).catch(() => undefined);
        throw error;
      }
      return notebook;
    },
  };
}

export const jupyterLabUi: NotebookUi = makeUi("lab");
export const notebook7Ui: NotebookUi = makeUi("notebook");
