// Buffered NDJSON writer for a file or stdout, with backpressure.
import { once } from "node:events";
import { createWriteStream, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { Writable } from "node:stream";

export class NdjsonWriter {
  private readonly stream: Writable;
  private readonly ownsStream: boolean;
  private buffer: string[] = [];
  private bufferedChars = 0;
  lines = 0;

  /** `target` is a file path or "-" for stdout. */
  constructor(target: string, options: { append?: boolean } = {}) {
    if (target === "-") {
      this.stream = process.stdout;
      this.ownsStream = false;
    } else {
      mkdirSync(dirname(target), { recursive: true });
      this.stream = createWriteStream(target, { flags: options.append ? "a" : "w" });
      this.ownsStream = true;
    }
  }

  async write(value: unknown): Promise<void> {
    const line = JSON.stringify(value);
    this.buffer.push(line);
    this.bufferedChars += line.length + 1;
    this.lines++;
    if (this.bufferedChars >= 1 << 20) await this.flush();
  }

  async writeLines(lines: readonly string[]): Promise<void> {
    for (const line of lines) {
      this.buffer.push(line);
      this.bufferedChars += line.length + 1;
    }
    this.lines += lines.length;
    if (this.bufferedChars >= 1 << 20) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const chunk = `${this.buffer.join("\n")}\n`;
    this.buffer = [];
    this.bufferedChars = 0;
    if (!this.stream.write(chunk)) await once(this.stream, "drain");
  }

  async close(): Promise<void> {
    await this.flush();
    if (this.ownsStream) {
      await new Promise<void>((resolve, reject) =>
        this.stream.end((err?: Error | null) => (err ? reject(err) : resolve())),
      );
    }
  }
}
