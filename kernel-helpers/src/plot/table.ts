import { InvalidArgumentError, describeValue } from "../errors";

/** Options of {@link tableHtml} / `show.table`. */
export interface TableOptions {
  /** Which fields to show, in order. @default every field, in first-seen order */
  readonly columns?: readonly string[];
  /** Digits after the decimal point for columns holding non-integers. @default 3 */
  readonly digits?: number;
  /** A caption above the table. @default none */
  readonly caption?: string;
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function formatCell(value: unknown, fractionDigits: number | undefined): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return String(value);
    return value.toLocaleString("en-US", { minimumFractionDigits: fractionDigits ?? 0, maximumFractionDigits: fractionDigits ?? 0 });
  }
  if (typeof value === "bigint") return value.toLocaleString("en-US");
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return String(value);
  if (value instanceof Date) return value.toISOString();
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** The rows as cell strings: numbers right-aligned in their column, same decimals down a column. */
export function tableCells(rows: readonly object[], options: TableOptions = {}): { columns: string[]; cells: string[][]; numeric: boolean[] } {
  const what = "show.table(rows)";
  if (!Array.isArray(rows)) throw new InvalidArgumentError(`${what}: expected an array of objects, received ${describeValue(rows)}`);
  const digits = options.digits ?? 3;
  if (!Number.isInteger(digits) || digits < 0 || digits > 20) {
    throw new InvalidArgumentError(`${what}: option \`digits\` must be an integer from 0 to 20, received ${describeValue(digits)}`);
  }
  rows.forEach((row, i) => {
    if (row === null || typeof row !== "object") throw new InvalidArgumentError(`${what}: row ${i} is not an object, received ${describeValue(row)}`);
  });
  const records = rows as readonly Record<string, unknown>[];
  const columns = options.columns ? [...options.columns] : [...new Set(records.flatMap((r) => Object.keys(r)))];
  const numeric = columns.map((c) => records.some((r) => typeof r[c] === "number") && records.every((r) => r[c] == null || typeof r[c] === "number"));
  const fraction = columns.map((c, j) => (numeric[j] && records.some((r) => typeof r[c] === "number" && !Number.isInteger(r[c])) ? digits : 0));
  const cells = records.map((r) => columns.map((c, j) => formatCell(r[c], numeric[j] ? fraction[j] : undefined)));
  return { columns, cells, numeric };
}

/** An HTML table of `rows` (objects), with numbers formatted: what `show.table` displays. */
export function tableHtml(rows: readonly object[], options: TableOptions = {}): string {
  const { columns, cells, numeric } = tableCells(rows, options);
  const align = (j: number) => (numeric[j] ? ' style="text-align:right"' : ' style="text-align:left"');
  const head = columns.map((c, j) => `<th${align(j)}>${escapeHtml(c)}</th>`).join("");
  const body = cells.map((row) => `<tr>${row.map((cell, j) => `<td${align(j)}>${escapeHtml(cell)}</td>`).join("")}</tr>`).join("\n");
  const caption = options.caption === undefined ? "" : `<caption>${escapeHtml(options.caption)}</caption>`;
  return `<table>${caption}\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** The same table as aligned plain text, for scripts and terminals. */
export function tableText(rows: readonly object[], options: TableOptions = {}): string {
  const { columns, cells, numeric } = tableCells(rows, options);
  const widths = columns.map((c, j) => Math.max(c.length, ...cells.map((r) => r[j]!.length)));
  const line = (row: readonly string[]) => row.map((cell, j) => (numeric[j] ? cell.padStart(widths[j]!) : cell.padEnd(widths[j]!))).join("  ").trimEnd();
  return [line(columns), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(line)].join("\n");
}
