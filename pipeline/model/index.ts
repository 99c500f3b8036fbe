export { COMPARED_COLUMNS, SESSION_COLUMNS, type SessionRow, segmentKey } from "./session-row.ts";
