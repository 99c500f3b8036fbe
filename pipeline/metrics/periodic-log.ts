// One status line every few seconds while the pipeline runs:
//   [cartstream] 812.4 events/s | lag 120 | latency p50 14.2 ms p99 88.0 ms (n=4062) | open sessions 1580
import { badInput } from "../errors/index.ts";
import type { PipelineMetrics } from "./metrics.ts";

export interface PeriodicLogOptions {
  /** Interval in ms (default 5000). */
  everyMs?: number;
  /** Where lines go (default console.log). */
  log?: (line: string) => void;
  /** Clock in ms (tests pass a fake one). */
  now?: () => number;
  /** Line prefix (default "[cartstream]"). */
  label?: string;
}

export interface PeriodicLog {
  /** Formats (and logs) a line now; the next interval measures from here. */
  tick(): string;
  stop(): void;
}

/** Logs events/s, lag, the window's p50/p99 event-to-commit latency and open sessions every `everyMs`. */
export function periodicLog(metrics: PipelineMetrics, options: PeriodicLogOptions = {}): PeriodicLog {
  const everyMs = options.everyMs ?? 5_000;
  if (!Number.isFinite(everyMs) || everyMs < 10)
    throw badInput(`everyMs must be >= 10 (ms between log lines), got ${everyMs}`);
  const log = options.log ?? ((line: string) => console.log(line));
  const now = options.now ?? Date.now;
  const label = options.label ?? "[cartstream]";
  let lastTime = now();
  let lastConsumed = metrics.totals().consumed;

  const tick = (): string => {
    const t = now();
    const totals = metrics.totals();
    const seconds = Math.max(1e-3, (t - lastTime) / 1_000);
    const rate = (totals.consumed - lastConsumed) / seconds;
    lastTime = t;
    lastConsumed = totals.consumed;
    const w = metrics.takeWindow();
    const latency =
      w.count === 0
        ? "latency -"
        : `latency p50 ${fmtMs(w.p50)} p99 ${fmtMs(w.p99)} (n=${w.count}${w.exact ? "" : ", sampled"})`;
    const extras: string[] = [];
    if (totals.deadLettered > 0) extras.push(`dead letters ${totals.deadLettered}`);
    if (totals.fencedCommits > 0) extras.push(`fenced ${totals.fencedCommits}`);
    if (totals.redisFailures > 0) extras.push(`redis failures ${totals.redisFailures}`);
    const line = [
      label,
      `${rate.toFixed(1)} events/s`,
      "|",
      `lag ${totals.lag}`,
      "|",
      latency,
      "|",
      `open sessions ${totals.openSessions}`,
      ...extras.flatMap((e) => ["|", e]),
    ].join(" ");
    log(line);
    return line;
  };

  const timer = setInterval(tick, everyMs);
  timer.unref();
  return { tick, stop: () => clearInterval(timer) };
}

function fmtMs(ms: number): string {
  return ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`;
}
