// Buffered NDJSON writer for a file (synchronous chunked writes: simple and fast) or stdout (a stream, with
// backpressure). A line waits in the buffer at most `flushMs` (0: every writeLines call reaches the file or
// pipe before it returns, which is what a live stream needs). A reader that closes stdout early (`| head`)
// marks the writer broken instead of crashing the process: later writes are dropped and `onBroken` is told.
import { once } from "node:events";
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";

const CHUNK_CHARS = 1 << 20;

export interface NdjsonWriterOptions {
  append?: boolean;
  /** Longest time a written line may stay in the buffer, in ms (0: flush on every write). Default: none. */
  flushMs?: number;
  /** Called once when stdout's reader went away (EPIPE). */
  onBroken?: (err: NodeJS.ErrnoException) => void;
}

export class NdjsonWriter {
  private readonly fd: number | undefined;
  private buffer = "";
  private lastFlush = performance.now();
  private brokenBy: NodeJS.ErrnoException | undefined;
  private readonly onStdoutError = (err: NodeJS.ErrnoException) => this.markBroken(err);
  lines = 0;

  /** `target` is a file path or "-" for stdout. */
  constructor(
    target: string,
    private readonly options: NdjsonWriterOptions = {},
  ) {
    if (target === "-") {
      this.fd = undefined;
      process.stdout.on("error", this.onStdoutError);
    } else {
      mkdirSync(dirname(target), { recursive: true });
      this.fd = openSync(target, options.append ? "a" : "w");
    }
  }

  /** True once stdout's reader has gone away; nothing more can be written. */
  get broken(): boolean {
    return this.brokenBy !== undefined;
  }

  async write(value: unknown): Promise<void> {
    await this.writeLines([JSON.stringify(value)]);
  }

  async writeLines(lines: readonly string[]): Promise<void> {
    for (let i = 0; i < lines.length; i++) this.buffer += `${lines[i]}\n`;
    this.lines += lines.length;
    const due =
      this.options.flushMs !== undefined && performance.now() - this.lastFlush >= this.options.flushMs;
    if (this.buffer.length >= CHUNK_CHARS || due) await this.flush();
  }

  async flush(): Promise<void> {
    this.lastFlush = performance.now();
    if (this.buffer.length === 0) return;
    const chunk = this.buffer;
    this.buffer = "";
    if (this.brokenBy) return;
    if (this.fd !== undefined) {
      writeSync(this.fd, chunk);
      return;
    }
    if (process.stdout.write(chunk)) return;
    // Backpressure: wait for the drain, or for the error that says nobody reads any more.
    const ac = new AbortController();
    await Promise.race([
      once(process.stdout, "drain", { signal: ac.signal }),
      once(process.stdout, "error", { signal: ac.signal }),
    ]).catch(() => undefined);
    ac.abort();
  }

  async close(): Promise<void> {
    await this.flush();
    if (this.fd !== undefined) closeSync(this.fd);
    // The error of the last write arrives on a later tick: listen until then.
    else setImmediate(() => process.stdout.off("error", this.onStdoutError));
  }

  private markBroken(err: NodeJS.ErrnoException): void {
    if (this.brokenBy) return;
    if (err.code !== "EPIPE") throw err;
    this.brokenBy = err;
    this.buffer = "";
    this.options.onBroken?.(err);
  }
}
