// SQL kept in .sql files next to the code that runs it, read once per process.
import { readFileSync } from "node:fs";
import { CartstreamError, ERROR_CODES } from "../errors/index.ts";

const cache = new Map<string, string>();

/** The text of a .sql file, exactly as written (cached). `url` is usually `new URL("./x.sql", import.meta.url)`. */
export function readSqlFile(url: URL): string {
  const key = url.href;
  let text = cache.get(key);
  if (text === undefined) {
    try {
      text = readFileSync(url, "utf8");
    } catch (err) {
      throw new CartstreamError(
        ERROR_CODES.NOT_FOUND,
        `cannot read the SQL file ${url.pathname}: ${(err as Error).message}; it ships with cartstream, so reinstall or restore it`,
        { cause: err },
      );
    }
    cache.set(key, text);
  }
  return text;
}

/** A file's single statement without the trailing `;`, so it can be nested in a larger query. */
export function readSqlStatement(url: URL): string {
  return readSqlFile(url).trim().replace(/;\s*$/, "");
}
