// Number formatting for the services' log lines (and the CLI's progress bar).

/** An integer with thousands separators: 61234.4 -> "61,234". */
export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}
