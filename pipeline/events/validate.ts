import { formatIssues } from "../config/index.ts";
import type { ClickEvent } from "./schema.ts";
import { eventSchema } from "./schema.ts";

export type ParseResult = { ok: true; event: ClickEvent } | { ok: false; reason: string };

/** Parses one raw message (string or object). Never throws; the reason names every bad field. */
export function parseEvent(raw: unknown): ParseResult {
  let value = raw;
  if (typeof raw === "string" || raw instanceof Uint8Array) {
    const text = typeof raw === "string" ? raw : Buffer.from(raw).toString("utf8");
    try {
      value = JSON.parse(text);
    } catch (err) {
      return { ok: false, reason: `invalid JSON: ${(err as Error).message}` };
    }
  }
  const res = eventSchema.safeParse(value);
  if (res.success) return { ok: true, event: res.data };
  const reason = formatIssues(res.error, { root: "(event)" }, eventSchema).join("; ");
  return { ok: false, reason: `schema: ${reason}` };
}
