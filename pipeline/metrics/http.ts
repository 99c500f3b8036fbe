// A tiny metrics endpoint on loopback: GET /metrics (Prometheus text) and GET /healthz. No framework: the
// pipeline only needs two routes, and node:http keeps the dependency list short.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";
import { CartstreamError, ERROR_CODES } from "../errors/index.ts";

export const DEFAULT_METRICS_PORT = 9464;

export interface HealthStatus {
  ok: boolean;
  /** Anything useful to a human or a probe: partitions owned, lag, last commit time. */
  [detail: string]: unknown;
}

export interface MetricsServerOptions {
  /** TCP port on 127.0.0.1 (default 9464; 0 = a free port, see `port` on the result). */
  port?: number;
  /** Health check behind /healthz (200 when ok, 503 when not); default: always ok. */
  health?: () => HealthStatus | Promise<HealthStatus>;
}

export interface MetricsServer {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Serves `registry` (or anything with one, like PipelineMetrics) on 127.0.0.1. */
export async function startMetricsServer(
  source: Registry | { registry: Registry },
  options: MetricsServerOptions = {},
): Promise<MetricsServer> {
  const registry = "registry" in source ? source.registry : source;
  const port = options.port ?? DEFAULT_METRICS_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new CartstreamError(
      ERROR_CODES.BAD_CONFIG,
      `metrics port must be an integer in 0..65535, got ${port}`,
    );
  }
  const health = options.health ?? (() => ({ ok: true }));

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      res.end(`error: ${(err as Error).message ?? String(err)}\n`);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" });
      res.end("method not allowed\n");
      return;
    }
    if (path === "/metrics") {
      const body = await registry.metrics();
      res.writeHead(200, { "content-type": registry.contentType });
      res.end(req.method === "HEAD" ? undefined : body);
      return;
    }
    if (path === "/healthz") {
      let status: HealthStatus;
      try {
        status = await health();
      } catch (err) {
        status = { ok: false, error: (err as Error).message ?? String(err) };
      }
      res.writeHead(status.ok ? 200 : 503, { "content-type": "application/json" });
      res.end(
        req.method === "HEAD"
          ? undefined
          : `${JSON.stringify({ status: status.ok ? "ok" : "unhealthy", ...status })}\n`,
      );
      return;
    }
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
    res.end("not found: try /metrics or /healthz\n");
  }

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      reject(
        err.code === "EADDRINUSE"
          ? new CartstreamError(
              ERROR_CODES.BAD_CONFIG,
              `metrics port ${port} on 127.0.0.1 is already in use; choose another port (0 picks a free one)`,
              { cause: err },
            )
          : err,
      );
    };
    server.once("error", onError);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", onError);
      resolve();
    });
  });
  // Scrapes must not keep a finished pipeline alive.
  server.unref();
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err === undefined ? resolve() : reject(err)));
      }),
  };
}
