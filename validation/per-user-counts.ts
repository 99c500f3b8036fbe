// The per-user count tables the ratio metrics sum over: users are the clusters for the event-level shares,
// the funnel and the session shares, and their design effects come from the spread of these counts. The
// columns that count a vocabulary value (an event type, a device, a persona) are generated from the
// vocabulary, so a new value needs no SQL edit; the values go in as parameters.
import type { DuckDBConnection, DuckDBValue } from "@duckdb/node-api";
import { quoteIdent } from "../pipeline/duckdb/index.ts";
import { DEVICE_TYPES, EVENT_TYPES, PERSONAS } from "../pipeline/events/index.ts";

interface Statement {
  sql: string;
  params: Record<string, DuckDBValue>;
}

/** `count(*) FILTER (WHERE <condition with $param>) AS <column>` columns, one per value, with their params. */
function countsPer(
  values: readonly string[],
  param: string,
  condition: (p: string) => string,
  column: (value: string) => string,
): Statement {
  const params: Record<string, DuckDBValue> = {};
  const sql = values.map((v, i) => {
    const p = `${param}_${i}`;
    params[p] = v;
    return `count(*) FILTER (WHERE ${condition(`$${p}`)}) AS ${quoteIdent(column(v))}`;
  });
  return { sql: sql.join(",\n  "), params };
}

/** Per-user event counts by type (table `events`): events, then one column per event type. */
export function userEventCounts(): Statement {
  const types = countsPer(
    EVENT_TYPES,
    "t",
    (p) => `event_type = ${p}`,
    (t) => t,
  );
  return {
    sql: `CREATE OR REPLACE TEMP TABLE user_event_counts AS
SELECT
  user_id,
  count(*) AS events,
  ${types.sql}
FROM events
GROUP BY user_id`,
    params: types.params,
  };
}

/**
 * Per-user session counts (table `sessions`, one row per session). Outcome classes as in the phase-1
 * report: purchased = is_converted; abandoned = not converted and cart_value > 0; browsing only = the rest.
 */
export function userSessionCounts(): Statement {
  const devices = countsPer(
    DEVICE_TYPES,
    "d",
    (p) => `device_type = ${p}`,
    (d) => `device_${d}`,
  );
  const personas = countsPer(
    PERSONAS,
    "p",
    (p) => `persona = ${p}`,
    (x) => `persona_${x}`,
  );
  const converted = countsPer(
    PERSONAS,
    "c",
    (p) => `persona = ${p} AND is_converted`,
    (x) => `converted_${x}`,
  );
  return {
    sql: `CREATE OR REPLACE TEMP TABLE user_session_counts AS
SELECT
  user_id,
  count(*) AS sessions,
  count(*) FILTER (WHERE is_converted) AS purchased,
  count(*) FILTER (WHERE NOT is_converted AND cart_value > 0) AS abandoned,
  count(*) FILTER (WHERE bounce) AS bounced,
  count(*) FILTER (WHERE cart_additions > 0) AS with_cart_additions,
  count(*) FILTER (WHERE page_views + products_viewed = 1) AS single_page,
  ${devices.sql},
  ${personas.sql},
  ${converted.sql}
FROM sessions
GROUP BY user_id`,
    params: { ...devices.params, ...personas.params, ...converted.params },
  };
}

/** Creates both tables on `con`. */
export async function createPerUserCounts(con: DuckDBConnection): Promise<void> {
  for (const s of [userEventCounts(), userSessionCounts()]) await con.run(s.sql, s.params);
}
