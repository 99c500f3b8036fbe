// Produces a simulation to a transport (Kafka or the in-process log): keyed by user_id, produce time in a
// header, optional injection of bad messages for fault tests, and an end-of-stream marker per partition.
import type { ClickEvent } from "../events/index.ts";
import { CONTROL_HEADERS, END_OF_STREAM, PRODUCED_AT_HEADER } from "../events/index.ts";
import type { Simulation } from "../simulator/index.ts";
import { createRng, eventToNdjson, paceRealTime, virtualBatches } from "../simulator/index.ts";
import type { ProducedMessage, Transport } from "./types.ts";

export interface InjectedCounts {
  malformed_json: number;
  schema_invalid: number;
  rule_breaking: number;
}

export interface ProduceOptions {
  transport: Transport;
  topic: string;
  partitions: number;
  sim: Simulation;
  clock: "virtual" | "real";
  speed: number;
  /** Fraction of extra bad messages (0..0.5): malformed JSON, schema-invalid, rule-breaking. */
  injectBad: number;
  endMarker: boolean;
  onProgress?(produced: number): void;
  /** Stops producing: the batch in flight is still sent, then nothing more and no end-of-stream marker. */
  signal?: AbortSignal;
}

export interface ProduceResult {
  events: number;
  injected: InjectedCounts;
  messages: number;
  /** True when `signal` stopped the run before the simulation ended (no end marker was written). */
  interrupted: boolean;
}

export async function produceSimulation(opts: ProduceOptions): Promise<ProduceResult> {
  const { transport, topic, sim } = opts;
  const rng = createRng(sim.config.seed).fork("inject-bad");
  const injected: InjectedCounts = { malformed_json: 0, schema_invalid: 0, rule_breaking: 0 };
  let injectSeq = 0;
  const bad = (e: ClickEvent): ProducedMessage | null => {
    if (opts.injectBad <= 0 || !rng.chance(opts.injectBad)) return null;
    const kind = rng.int(0, 2);
    const id = `x${sim.config.seed.toString(36)}-${String(++injectSeq).padStart(7, "0")}`;
    if (kind === 0) {
      injected.malformed_json++;
      return { key: e.user_id, value: eventToNdjson({ ...e, event_id: id }).slice(0, 40) };
    }
    if (kind === 1) {
      injected.schema_invalid++;
      const { user_id: _dropped, ...rest } = e;
      return { key: e.user_id, value: JSON.stringify({ ...rest, event_id: id, event_type: "teleport" }) };
    }
    // Valid against the schema but breaks "session_start first": a second session_start mid-session.
    injected.rule_breaking++;
    const start: ClickEvent = {
      event_id: id,
      event_type: "session_start",
      event_time: e.event_time,
      user_id: e.user_id,
      session_id: e.session_id,
      device_type: e.device_type,
      browser: e.browser,
      schema_version: 1,
    };
    return { key: e.user_id, value: eventToNdjson(start) };
  };

  const source =
    opts.clock === "real"
      ? paceRealTime(sim.events(), {
          startTimeMs: sim.startTimeMs,
          speed: opts.speed,
          ...(opts.signal ? { signal: opts.signal } : {}),
        })
      : virtualBatches(sim, 4096);
  let events = 0;
  let messages = 0;
  for await (const batch of source) {
    if (opts.signal?.aborted) break;
    const out: ProducedMessage[] = [];
    const now = String(Date.now());
    for (const e of batch) {
      if (e.event_type !== "session_start") {
        const b = bad(e);
        if (b) out.push({ ...b, headers: { [PRODUCED_AT_HEADER]: now } });
      }
      out.push({ key: e.user_id, value: eventToNdjson(e), headers: { [PRODUCED_AT_HEADER]: now } });
    }
    await transport.produce(topic, out);
    events += batch.length;
    messages += out.length;
    opts.onProgress?.(events);
  }
  const interrupted = opts.signal?.aborted === true;
  if (opts.endMarker && !interrupted) {
    // One end-of-stream control record per partition, appended to that partition.
    const markers: ProducedMessage[] = [];
    for (let p = 0; p < opts.partitions; p++) {
      markers.push({
        key: "end_of_stream",
        partition: p,
        value: END_OF_STREAM,
        headers: { ...CONTROL_HEADERS },
      });
    }
    await transport.produce(topic, markers);
    messages += markers.length;
  }
  return { events, injected, messages, interrupted };
}
