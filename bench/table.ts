import { cpus, loadavg } from "node:os";

// Prints benchmark tables. Benchmarks are scripts, never timed tests: the machine is shared and noisy,
// so each row is the median of several repetitions and ratios within one run are what to compare.

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function printTable(title: string, header: string[], rows: (string | number)[][]): void {
  const cells = rows.map((r) =>
    r.map((c) => (typeof c === "number" ? Math.round(c).toLocaleString("en-US") : c)),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => String(r[i] ?? "").length)));
  const line = (r: string[]) =>
    `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ")} |`;
  console.log(`\n${title}\n`);
  console.log(line(header));
  console.log(
    `|${widths.map((w, i) => (i === 0 ? `:${"-".repeat(w + 1)}` : `${"-".repeat(w + 1)}:`)).join("|")}|`,
  );
  for (const r of cells) console.log(line(r.map(String)));
}

export function machineLine(): string {
  const load = loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");
  return `node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), load average ${load}`;
}
