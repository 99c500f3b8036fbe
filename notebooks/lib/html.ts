// HTML for notebook outputs: number formats and tables. Everything is escaped; nothing loads from the network.

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const intFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const moneyFormat = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

/** Number formats used across the notebooks (en-US, so the exports read the same on every machine). */
export const fmt = {
  int: (x: number): string => intFormat.format(x),
  num: (x: number, digits = 2): string =>
    new Intl.NumberFormat("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(
      x,
    ),
  pct: (x: number, digits = 1): string => `${(100 * x).toFixed(digits)}%`,
  /** US dollars with cents; negative amounts as -$1,234.56. */
  money: (x: number): string => moneyFormat.format(x),
};

export interface Column<R> {
  /** Header text. */
  label: string;
  /** Cell value: a property name of the row, or a function of it. */
  value: keyof R | ((row: R) => unknown);
  /**
   * Text of the cell from its value (default: integers with separators, other numbers with 3 decimals, the rest
   * as is). Called with the value only, so `fmt.pct` and friends fit directly.
   */
  // biome-ignore lint/suspicious/noExplicitAny: a formatter takes the column's value type, which R does not name
  format?: (value: any) => string;
  align?: "left" | "right";
}

function defaultFormat(value: unknown): string {
  if (typeof value === "number") return Number.isInteger(value) ? fmt.int(value) : fmt.num(value, 3);
  if (value instanceof Date) return value.toISOString();
  return String(value ?? "");
}

export interface TableOptions<R> {
  caption?: string;
  /** Adds data-key="…" to each row, so tests and scripts can find a figure without parsing the layout. */
  rowKey?: (row: R) => string;
}

/** An HTML table of `rows`; numbers are right-aligned. */
export function htmlTable<R extends object>(
  rows: readonly R[],
  columns: readonly Column<R>[],
  options: TableOptions<R> = {},
): string {
  const cell = (row: R, c: Column<R>) => {
    const v = typeof c.value === "function" ? c.value(row) : row[c.value];
    const text = c.format ? c.format(v) : defaultFormat(v);
    const align = c.align ?? (typeof v === "number" ? "right" : "left");
    return `<td style="text-align:${align}">${escapeHtml(text)}</td>`;
  };
  const head = columns.map((c) => `<th>${escapeHtml(c.label)}</th>`).join("");
  const body = rows
    .map((r) => {
      const key = options.rowKey ? ` data-key="${escapeHtml(options.rowKey(r))}"` : "";
      return `<tr${key}>${columns.map((c) => cell(r, c)).join("")}</tr>`;
    })
    .join("\n");
  const caption = options.caption ? `<caption>${escapeHtml(options.caption)}</caption>` : "";
  return `<table class="cartstream">${caption}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** A table of all the rows' own properties, in the first row's key order. */
export function htmlTableOf(
  rows: readonly Record<string, unknown>[],
  options: TableOptions<Record<string, unknown>> = {},
): string {
  const keys = rows.length > 0 ? Object.keys(rows[0]!) : [];
  return htmlTable(
    rows,
    keys.map((k) => ({ label: k, value: k })),
    options,
  );
}

/** A paragraph of escaped text; **bold** spans become <b>. */
export function htmlText(text: string): string {
  return `<p>${escapeHtml(text).replace(/\*\*(.+?)\*\*/g, "<b>$1</b>")}</p>`;
}
