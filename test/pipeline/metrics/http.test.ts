import { afterEach, describe, expect, it } from "vitest";
import { CartstreamError } from "../../../pipeline/errors/index.ts";
import { type MetricsServer, PipelineMetrics, startMetricsServer } from "../../../pipeline/metrics/index.ts";

describe("metrics HTTP endpoint", () => {
  const servers: MetricsServer[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
  });

  it("serves /metrics in the Prometheus text format and /healthz on 127.0.0.1", async () => {
    const metrics = new PipelineMetrics();
    metrics.consumed(3);
    metrics.observeCommit([Date.now() - 12]);
    const server = await startMetricsServer(metrics, { port: 0 });
    servers.push(server);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.port).toBeGreaterThan(0);

    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const body = await res.text();
    expect(body).toContain("# TYPE cartstream_events_consumed_total counter");
    expect(body).toContain("cartstream_events_consumed_total 3");
    expect(body).toContain("# TYPE cartstream_event_to_commit_latency_seconds histogram");
    expect(body).toContain('cartstream_event_to_commit_latency_seconds_bucket{le="0.02"} 1');

    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok", ok: true });
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
    expect((await fetch(`${server.url}/metrics`, { method: "POST" })).status).toBe(405);
  });

  it("reports an unhealthy pipeline with 503 and refuses a port in use with a clear error", async () => {
    let healthy = true;
    const server = await startMetricsServer(new PipelineMetrics(), {
      port: 0,
      health: () => (healthy ? { ok: true, partitions: [0, 1] } : { ok: false, reason: "fenced" }),
    });
    servers.push(server);
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({
      status: "ok",
      ok: true,
      partitions: [0, 1],
    });
    healthy = false;
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "unhealthy", ok: false, reason: "fenced" });

    const err = await startMetricsServer(new PipelineMetrics(), { port: server.port }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CartstreamError);
    expect((err as Error).message).toMatch(new RegExp(`metrics port ${server.port} .* already in use`));
  });
});
