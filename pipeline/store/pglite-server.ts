// Serves an embedded PGlite store over the PostgreSQL wire protocol on a loopback port, so `pg`, psql
// and COPY-based snapshot readers can use it like a server. PGlite runs one query at a time: socket
// connections are queued, and a transaction open on one connection holds the others back.
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { serviceUnavailable } from "../errors/index.ts";
import type { PgliteDb } from "./pglite-db.ts";

export interface PgliteServerOptions {
  /** Loopback address to bind (default 127.0.0.1). */
  host?: string;
  /** Port; 0 (default) picks a free one. */
  port?: number;
  /** Connections accepted at once (default 4); their queries still run one at a time. */
  maxConnections?: number;
}

export interface PgliteServer {
  host: string;
  port: number;
  /** postgres://postgres@host:port/postgres — pass to pg.Client / psql. */
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts serving `db`. While it serves, write through the socket only: a statement sent straight to
 * `db` would run inside whatever transaction a socket client has open.
 */
export async function servePglite(db: PgliteDb, options: PgliteServerOptions = {}): Promise<PgliteServer> {
  const host = options.host ?? "127.0.0.1";
  const server = new PGLiteSocketServer({
    db: db.pglite,
    host,
    port: options.port ?? 0,
    maxConnections: options.maxConnections ?? 4,
  });
  try {
    await server.start();
  } catch (err) {
    throw serviceUnavailable(
      "PGlite socket server",
      `${host}:${options.port ?? 0}`,
      err,
      "Pick another port (or 0 for a free one)",
    );
  }
  // getServerConn() reports the bound port once listening, also when port 0 was asked for.
  const port = Number(server.getServerConn().split(":").at(-1));
  let stopped = false;
  return {
    host,
    port,
    url: `postgres://postgres@${host}:${port}/postgres`,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}
