// Raw event archive: every accepted event is appended (as its original JSON line) to an NDJSON file per
// partition and writer BEFORE the commit that covers it, so nothing committed is ever missing from the
// archive. A crash can leave events appended but not committed; they are appended again on replay, and
// compaction keeps one copy per event_id. Compaction writes ZSTD Parquet through DuckDB.
import { appendFileSync, existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { eventsNdjsonToParquet } from "../files/index.ts";

export class ArchiveWriter {
  readonly dir: string;
  private readonly writerId: string;
  private readonly pending = new Map<number, string[]>();

  constructor(dir: string, writerId: string) {
    this.dir = dir;
    this.writerId = writerId.replace(/[^A-Za-z0-9_.-]/g, "_");
    mkdirSync(dir, { recursive: true });
  }

  add(partition: number, line: string): void {
    let list = this.pending.get(partition);
    if (list === undefined) {
      list = [];
      this.pending.set(partition, list);
    }
    list.push(line);
  }

  /** Drops what was added but not yet written (the partition was lost to another consumer). */
  discard(partition: number): void {
    this.pending.delete(partition);
  }

  /** Appends pending lines to disk (synchronously: they must be on disk before the commit). */
  writePending(): number {
    let n = 0;
    for (const [partition, lines] of this.pending) {
      if (lines.length === 0) continue;
      appendFileSync(join(this.dir, `p${partition}-${this.writerId}.ndjson`), `${lines.join("\n")}\n`);
      n += lines.length;
    }
    this.pending.clear();
    return n;
  }
}

function archiveFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".ndjson"))
    .sort()
    .map((f) => join(dir, f));
}

/** Compacts the archive into one Parquet file (deduplicated by event_id, in event order); returns the row count. */
export async function compactArchive(dir: string, parquetPath: string): Promise<number> {
  const files = archiveFiles(dir);
  if (files.length === 0) return 0;
  return eventsNdjsonToParquet(files, parquetPath);
}
