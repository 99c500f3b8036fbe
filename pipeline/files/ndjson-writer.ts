// Buffered NDJSON writer for a file (synchronous 1 MiB chunked writes: simple and fast) or stdout
// (a stream, with backpressure).
import { once } from "node:events";
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";

const CHUNK_CHARS = 1 << 20;

export class NdjsonWriter {
  private readonly fd: number | undefined;
  private buffer = "";
  lines = 0;

  /** `target` is a file path or "-" for stdout. */
  constructor(target: string, options: { append?: boolean } = {}) {
    if (target === "-") {
      this.fd = undefined;
    } else {
      mkdirSync(dirname(target), { recursive: true });
      this.fd = openSync(target, options.append ? "a" : "w");
    }
  }

  async write(value: unknown): Promise<void> {
    await this.writeLines([JSON.stringify(value)]);
  }

  async writeLines(lines: readonly string[]): Promise<void> {
    for (let i = 0; i < lines.length; i++) this.buffer += `${lines[i]}\n`;
    this.lines += lines.length;
    if (this.buffer.length >= CHUNK_CHARS) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const chunk = this.buffer;
    this.buffer = "";
    if (this.fd !== undefined) writeSync(this.fd, chunk);
    else if (!process.stdout.write(chunk)) await once(process.stdout, "drain");
  }

  async close(): Promise<void> {
    await this.flush();
    if (this.fd !== undefined) closeSync(this.fd);
  }
}
