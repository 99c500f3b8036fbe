// Shared by the PartitionProcessor tests: one partition's messages (a seeded simulation and the end-of-stream
// marker), an in-memory PGlite store, and the ground-truth check of what the store holds at the end.
import { expect } from "vitest";
import type { ClickEvent } from "../../../pipeline/events/index.ts";
import { CONTROL_HEADERS, END_OF_STREAM } from "../../../pipeline/events/index.ts";
import { compareSessions, groundTruthSessions } from "../../../pipeline/ground-truth/index.ts";
import { eventToNdjson, resolveSimulatorConfig, simulate } from "../../../pipeline/simulator/index.ts";
import { openStore, type Store } from "../../../pipeline/store/index.ts";
import type { ConsumedMessage } from "../../../pipeline/transport/index.ts";
import { expectSameSessions } from "../../helpers/sessions.ts";

/** A simulation's events as partition 0's messages, offsets 0.., then the end-of-stream marker. */
export function partitionMessages(run: { seed: number; duration_s: number; users: number }): {
  events: ClickEvent[];
  messages: ConsumedMessage[];
} {
  const { events } = simulate(resolveSimulatorConfig({}, run));
  const messages: ConsumedMessage[] = events.map((e, i) => ({
    offset: i,
    key: e.user_id,
    value: eventToNdjson(e),
    headers: {},
    timestamp: 0,
  }));
  messages.push({
    offset: events.length,
    key: "x",
    value: END_OF_STREAM,
    headers: { ...CONTROL_HEADERS },
    timestamp: 0,
  });
  return { events, messages };
}

/** Runs `fn` with a fresh in-memory PGlite store, closed afterwards. */
export async function withMemoryStore<T>(fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore({ kind: "pglite", db: { dataDir: "memory://" } });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Every session of the store is closed and the table equals the ground truth over `events`. */
export async function expectClosedGroundTruth(store: Store, events: readonly ClickEvent[]): Promise<void> {
  const actual = await store.reader.readSessions();
  expect(actual.every((r) => r.ended_by !== null)).toBe(true);
  expectSameSessions(await compareSessions(await groundTruthSessions({ events }), actual));
}
