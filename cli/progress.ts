// Progress output on stderr: a redrawn bar on a TTY, a plain line every few seconds otherwise.
// Silent for short runs: nothing is drawn during the first second.
import { fmtInt } from "../pipeline/service/index.ts";

interface ProgressOptions {
  label: string;
  total?: number;
  unit: string;
  stream?: NodeJS.WriteStream;
  /** Force plain lines (no redraw) even on a TTY. */
  plain?: boolean;
  quiet?: boolean;
}

class Progress {
  private readonly started = performance.now();
  private lastDraw = 0;
  private drawn = false;
  private readonly stream: NodeJS.WriteStream;
  private readonly tty: boolean;
  constructor(private readonly opts: ProgressOptions) {
    this.stream = opts.stream ?? process.stderr;
    this.tty = !opts.plain && this.stream.isTTY === true;
  }

  get elapsedS(): number {
    return (performance.now() - this.started) / 1000;
  }

  update(done: number, extra = ""): void {
    if (this.opts.quiet) return;
    const now = performance.now();
    const elapsed = (now - this.started) / 1000;
    if (elapsed < 1) return;
    const interval = this.tty ? 100 : 5000;
    if (now - this.lastDraw < interval) return;
    this.lastDraw = now;
    this.drawn = true;
    const rate = done / elapsed;
    const total = this.opts.total;
    let line = `${this.opts.label}: ${fmtInt(done)}${total ? `/${fmtInt(total)}` : ""} ${this.opts.unit}, ${fmtInt(rate)} ${this.opts.unit}/s, ${elapsed.toFixed(0)} s`;
    if (total && total > 0) {
      const frac = Math.min(1, done / total);
      const width = 24;
      const filled = Math.round(frac * width);
      const eta = rate > 0 ? (total - done) / rate : 0;
      line = `${this.opts.label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% ${fmtInt(done)}/${fmtInt(total)} ${this.opts.unit} ${fmtInt(rate)}/s eta ${eta.toFixed(0)} s`;
    }
    if (extra) line += ` ${extra}`;
    if (this.tty) this.stream.write(`\r\x1b[2K${line}`);
    else this.stream.write(`${line}\n`);
  }

  /** Erases the bar (a TTY redraws it on the next update), so that a log line can be written. */
  done(): void {
    if (this.tty && this.drawn) this.stream.write("\r\x1b[2K");
    this.drawn = false;
  }
}

export interface ProgressHooks {
  onProgress(done: number, total: number, detail: string): void;
  /** Writes a line above the bar. */
  write(line: string): void;
  /** `write`, or undefined with quiet (the services then log nothing). */
  log: ((line: string) => void) | undefined;
  done(): void;
}

/** A service's hooks drawn on stderr: onProgress as a bar (done out of `total` events), lines above it. */
export function progressBar(label: string, total: number, quiet: boolean): ProgressHooks {
  const bar = new Progress({ label, total, unit: "events", quiet });
  const write = (line: string) => {
    bar.done();
    process.stderr.write(`${line}\n`);
  };
  return {
    onProgress: (done, _total, detail) => bar.update(done, detail),
    write,
    log: quiet ? undefined : write,
    done: () => bar.done(),
  };
}
