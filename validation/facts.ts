// Aggregates behind the report's charts and the known-contradictions section, computed by DuckDB.
import type { DuckDBConnection } from "@duckdb/node-api";
import { DEVICE_TYPES, EVENT_TYPES, PERSONAS } from "../pipeline/events/index.ts";
import type { DatasetInput } from "./dataset.ts";
import type { ComputedMetrics } from "./metrics.ts";
import type { ParsedProfile } from "./options.ts";
import { count, queryOne, queryRows, sqlFile } from "./sql.ts";
import type { DatasetFacts, Range } from "./types.ts";

export const HISTOGRAM_BIN_S = 30;

const EVENT_COUNTS_SQL = "SELECT event_type, count(*) AS n FROM events GROUP BY event_type";
const SESSION_ENDINGS_SQL = `SELECT count(DISTINCT base_session_id) AS base_sessions,
  count(*) FILTER (WHERE ended_by = 'timeout') AS by_timeout,
  count(*) FILTER (WHERE ended_by = 'session_end') AS by_session_end,
  coalesce(avg(epoch_ms(last_activity) - epoch_ms(start_time)) / 1000.0, 0) AS mean_duration_s
FROM sessions`;

export async function computeFacts(
  con: DuckDBConnection,
  input: DatasetInput,
  computed: ComputedMetrics,
  profile: ParsedProfile,
): Promise<DatasetFacts> {
  const eventCounts: Record<string, number> = Object.fromEntries(EVENT_TYPES.map((t) => [t, 0]));
  for (const r of await queryRows(con, EVENT_COUNTS_SQL)) eventCounts[String(r.event_type)] = count(r.n);
  const sessionSums = (column: string) => computed.sums[column];
  const sessions = sessionSums("session_conversion_rate")?.x ?? 0;
  const deviceCounts = Object.fromEntries(
    DEVICE_TYPES.map((d) => [d, sessionSums(`device_share.${d}`)?.y ?? 0]),
  ) as Record<string, number>;
  const personas = PERSONAS.map((p) => ({
    persona: p,
    sessions: sessionSums(`persona_share.${p}`)?.y ?? 0,
    converted: sessionSums(`conversion_by_persona.${p}`)?.y ?? 0,
  }));
  const histogram = await queryRows(con, sqlFile("duration-histogram"), { bin_s: HISTOGRAM_BIN_S });
  const concurrency = await queryOne(con, sqlFile("concurrency"));
  const endings = await queryOne(con, SESSION_ENDINGS_SQL);
  const eventShareRanges: Record<string, Range> = {};
  for (const c of profile.checks) {
    if (c.metric.startsWith("event_share.")) {
      eventShareRanges[c.metric.slice("event_share.".length)] = { min: c.min, max: c.max };
    }
  }
  return {
    events: Object.values(eventCounts).reduce((a, b) => a + b, 0),
    sessions,
    users: computed.metrics.users_total?.value ?? 0,
    eventCounts,
    deviceCounts,
    configuredDeviceShares: input.configuredDeviceShares,
    personas,
    durationHistogram: histogram.map((r) => ({
      start: count(r.bin_start),
      end: count(r.bin_start) + HISTOGRAM_BIN_S,
      count: count(r.sessions),
    })),
    eventShareRanges,
    maxOpenSessionsPerUser: count(concurrency.max_open_per_user),
    peakOpenSessions: count(concurrency.peak_open),
    spanS: count(concurrency.span_s),
    baseSessions: count(endings.base_sessions),
    sessionsEndedByTimeout: count(endings.by_timeout),
    sessionsEndedBySessionEnd: count(endings.by_session_end),
    meanDurationS: count(endings.mean_duration_s),
    sessionTimeoutS: input.sessionTimeoutS,
    sessionTimeoutFrom: input.sessionTimeoutFrom,
  };
}
