import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../pipeline/errors/index.ts";
import {
  LATENCY_BUCKETS_SECONDS,
  PipelineMetrics,
  periodicLog,
  producedAtMs,
} from "../../../pipeline/metrics/index.ts";

function sample(text: string, name: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  if (line === undefined) throw new Error(`no sample ${name} in:\n${text}`);
  return Number(line.slice(name.length + 1));
}

describe("PipelineMetrics", () => {
  it("counts, gauges and the event-to-commit histogram show up in the Prometheus text", async () => {
    const m = new PipelineMetrics();
    m.consumed(10);
    m.accepted(7);
    m.duplicates(2);
    m.tooLate(1);
    m.deadLettered("invalid_json", 2);
    m.deadLettered("schema", 1);
    m.upserted(3);
    m.committed();
    m.committed();
    m.fenced();
    m.redisFailure();
    m.setLag(0, 5);
    m.setLag(1, 7);
    m.setLag(0, 4);
    m.setOpenSessions(42);
    m.setWatermark(2, 1_760_000_000_500);
    // Latencies 0.5 ms, 3 ms, 40 ms, 2 s, 30 s (beyond the last bucket).
    const commitAt = 1_000_000;
    m.observeCommit(
      [commitAt - 0.5, commitAt - 3, commitAt - 40, commitAt - 2_000, commitAt - 30_000],
      commitAt,
    );

    const text = await m.text();
    expect(sample(text, "cartstream_events_consumed_total")).toBe(10);
    expect(sample(text, "cartstream_events_accepted_total")).toBe(7);
    expect(sample(text, "cartstream_events_duplicate_total")).toBe(2);
    expect(sample(text, "cartstream_events_too_late_total")).toBe(1);
    expect(sample(text, 'cartstream_events_dead_lettered_total{reason="invalid_json"}')).toBe(2);
    expect(sample(text, 'cartstream_events_dead_lettered_total{reason="schema"}')).toBe(1);
    expect(sample(text, "cartstream_sessions_upserted_total")).toBe(3);
    expect(sample(text, "cartstream_commits_total")).toBe(2);
    expect(sample(text, "cartstream_commits_fenced_total")).toBe(1);
    expect(sample(text, "cartstream_redis_failures_total")).toBe(1);
    expect(sample(text, 'cartstream_consumer_lag_messages{partition="0"}')).toBe(4);
    expect(sample(text, 'cartstream_consumer_lag_messages{partition="1"}')).toBe(7);
    expect(sample(text, "cartstream_open_sessions")).toBe(42);
    expect(sample(text, 'cartstream_watermark_seconds{partition="2"}')).toBe(1_760_000_000.5);

    const h = "cartstream_event_to_commit_latency_seconds";
    expect(sample(text, `${h}_bucket{le="0.001"}`)).toBe(1);
    expect(sample(text, `${h}_bucket{le="0.005"}`)).toBe(2);
    expect(sample(text, `${h}_bucket{le="0.05"}`)).toBe(3);
    expect(sample(text, `${h}_bucket{le="2"}`)).toBe(4);
    expect(sample(text, `${h}_bucket{le="10"}`)).toBe(4);
    expect(sample(text, `${h}_bucket{le="+Inf"}`)).toBe(5);
    expect(sample(text, `${h}_count`)).toBe(5);
    expect(sample(text, `${h}_sum`)).toBeCloseTo(32.0435, 6);
    const buckets = [...text.matchAll(new RegExp(`${h}_bucket\\{le="([^"]+)"\\}`, "g"))].map((x) => x[1]);
    expect(buckets).toEqual([...LATENCY_BUCKETS_SECONDS.map(String), "+Inf"]);

    expect(m.totals()).toEqual({
      consumed: 10,
      accepted: 7,
      duplicates: 2,
      tooLate: 1,
      deadLettered: 3,
      deadLetteredByReason: { invalid_json: 2, schema: 1 },
      sessionsUpserted: 3,
      commits: 2,
      fencedCommits: 1,
      redisFailures: 1,
      lag: 11,
      openSessions: 42,
    });
    const run = m.latencyRun.snapshot();
    expect(run).toMatchObject({ count: 5, exact: true, min: 0.5, max: 30_000, p50: 40, p99: 30_000 });
  });

  it("keeps registries apart and validates its options", async () => {
    const a = new PipelineMetrics();
    const b = new PipelineMetrics({ prefix: "other_" });
    a.consumed(3);
    expect(await b.text()).toContain("other_events_consumed_total 0");
    expect(await a.text()).toContain("cartstream_events_consumed_total 3");
    expect(() => new PipelineMetrics({ prefix: "bad-prefix" })).toThrow(ConfigError);
    expect(() => new PipelineMetrics({ reservoirSize: 0 })).toThrow(/reservoirSize/);
  });

  it("takes produce time from the produced_at header, else the message timestamp", () => {
    expect(producedAtMs({ headers: { produced_at: "1700000000123" }, timestamp: 5 })).toBe(1_700_000_000_123);
    expect(producedAtMs({ headers: {}, timestamp: 5 })).toBe(5);
    expect(producedAtMs({ headers: { produced_at: "garbage" }, timestamp: 5 })).toBe(5);
  });
});

describe("periodicLog", () => {
  it("prints events/s, lag, window p50/p99 and open sessions, and starts a new latency window", () => {
    const m = new PipelineMetrics();
    let now = 10_000;
    const lines: string[] = [];
    const log = periodicLog(m, { everyMs: 60_000, now: () => now, log: (l) => lines.push(l) });
    try {
      m.consumed(1_000);
      m.setLag(0, 30);
      m.setLag(1, 12);
      m.setOpenSessions(1_580);
      m.observeCommit(
        Array.from({ length: 100 }, (_, i) => 50_000 - (i + 1)),
        50_000,
      ); // 1..100 ms
      now += 2_000;
      expect(log.tick()).toBe(
        "[cartstream] 500.0 events/s | lag 42 | latency p50 50.0 ms p99 99.0 ms (n=100) | open sessions 1580",
      );
      m.deadLettered("schema");
      now += 1_000;
      expect(log.tick()).toBe(
        "[cartstream] 0.0 events/s | lag 42 | latency - | open sessions 1580 | dead letters 1",
      );
      expect(lines).toHaveLength(2);
      // The run-wide reservoir keeps everything for the benchmark table.
      expect(m.latencyRun.snapshot().count).toBe(100);
    } finally {
      log.stop();
    }
  });
});
