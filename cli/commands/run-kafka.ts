// cartstream run --backend kafka: the whole phase-1 run on real services. Starts N aggregator processes
// (cartstream aggregate), produces the simulation to Kafka, waits until every partition is drained and
// committed, then checks user_sessions (PostgreSQL) against the DuckDB ground truth.
import { spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CartstreamError, ERROR_CODES, UsageError } from "../../pipeline/errors/index.ts";
import { compareSessions, groundTruthSessions } from "../../pipeline/ground-truth/index.ts";
import { compactArchive } from "../../pipeline/runner/index.ts";
import { Simulation } from "../../pipeline/simulator/index.ts";
import { openPgDb, openStore, quoteIdent } from "../../pipeline/store/index.ts";
import { KafkaTransport, produceSimulation } from "../../pipeline/transport/index.ts";
import type { CommandSpec } from "../args.ts";
import { choiceFlag, helpText, intFlag, numberFlag, parseFlags, stringFlag } from "../args.ts";
import { fmtInt, Progress } from "../progress.ts";
import { SIM_FLAGS, simConfigFromFlags } from "../sim-config.ts";
import { pgSchema } from "../store-flags.ts";
import { DEFAULT_TOPIC } from "./produce.ts";

const BIN = fileURLToPath(new URL("../../bin/cartstream.js", import.meta.url));

export const spec: CommandSpec = {
  name: "run --backend kafka",
  summary: "the whole run on Kafka + PostgreSQL + Redis with N aggregator processes",
  usage:
    "cartstream run --backend kafka [--name NAME] [--workers N] [--partitions N] [--topic T] [simulator options]",
  flags: {
    name: {
      type: "string",
      arg: "NAME",
      help: "run name: schema cs_NAME, data/runs/NAME",
      default: "phase1",
    },
    topic: { type: "string", arg: "T", help: "events topic (default: ecommerce.events.NAME, recreated)" },
    partitions: { type: "string", arg: "N", help: "partitions of the events topic", default: "5" },
    workers: { type: "string", arg: "N", help: "aggregator processes", default: "2" },
    ...SIM_FLAGS,
    clock: {
      type: "string",
      arg: "virtual|real",
      help: "virtual: as fast as possible; real: live",
      default: "virtual",
    },
    speed: { type: "string", arg: "X", help: "real clock: simulated seconds per wall second", default: "1" },
    "inject-bad": {
      type: "string",
      arg: "F",
      help: "fraction of bad messages to inject (fault test)",
      default: "0",
    },
    redis: {
      type: "string",
      arg: "on|off",
      help: "aggregators publish open sessions to Redis",
      default: "on",
    },
    "skip-verify": { type: "boolean", help: "skip the ground-truth check" },
    quiet: { type: "boolean", short: "q", help: "no progress output" },
  },
};

export async function run(argv: string[]): Promise<number> {
  const { flags, help } = parseFlags(spec, argv);
  if (help) {
    console.log(helpText(spec));
    return 0;
  }
  const name = stringFlag(flags, "name") ?? "phase1";
  if (!/^[A-Za-z0-9_.-]{1,60}$/.test(name))
    throw new UsageError(`--name: '${name}' must be 1-60 letters, digits, _ . -`);
  const topic = stringFlag(flags, "topic") ?? `${DEFAULT_TOPIC}.${name}`;
  const partitions = intFlag(flags, "partitions", 1, 1000) ?? 5;
  const workers = intFlag(flags, "workers", 1, 64) ?? 2;
  const clock = choiceFlag(flags, "clock", ["virtual", "real"] as const) ?? "virtual";
  const speed = numberFlag(flags, "speed", 0, 1_000_000, true) ?? 1;
  const injectBad = numberFlag(flags, "inject-bad", 0, 0.5) ?? 0;
  const redis = choiceFlag(flags, "redis", ["on", "off"] as const) ?? "on";
  const quiet = flags.quiet === true;
  const { config } = simConfigFromFlags(flags);
  const log = quiet ? () => {} : (line: string) => process.stderr.write(`${line}\n`);
  const runDir = join("data", "runs", name);
  const group = `cartstream-${name}`;
  const timeoutS = config.session_timeout_s;

  // Fresh run: new schema, new topic, new archive.
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(runDir, { recursive: true });
  writeFileSync(
    join(runDir, "run.json"),
    `${JSON.stringify({ name, backend: "kafka", topic, config, partitions }, null, 2)}\n`,
  );
  const admin = await openPgDb({});
  try {
    await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdent(pgSchema(name))} CASCADE`);
  } finally {
    await admin.close();
  }
  await (await openStore({ kind: "postgres", db: { schema: pgSchema(name) } })).close();
  const transport = new KafkaTransport({});
  const t0 = performance.now();
  try {
    await transport.deleteTopics([topic, `${topic}.dlq`]).catch(() => {});
    await transport.createTopic(topic, partitions);
    log(
      `[run] kafka backend '${name}': topic ${topic} (${partitions} partitions), ${workers} aggregator processes, schema ${pgSchema(name)}`,
    );
    const children = Array.from({ length: workers }, (_, i) =>
      spawn(
        process.execPath,
        [
          BIN,
          "aggregate",
          "--name",
          name,
          "--group",
          group,
          "--topic",
          topic,
          "--dlq-topic",
          `${topic}.dlq`,
          "--timeout",
          String(timeoutS),
          "--metrics-port",
          i === 0 ? "9464" : "0",
          "--redis",
          redis,
          "--exit-when-done",
          "--log-every",
          "10",
        ],
        { stdio: ["ignore", "inherit", quiet ? "ignore" : "inherit"] },
      ),
    );
    const exits = children.map(
      (c) =>
        new Promise<number>((resolve) => c.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)))),
    );
    const progress = new Progress({
      label: "[produce]",
      total: Math.round(config.rate * config.duration_s),
      unit: "events",
      quiet,
    });
    const sim = new Simulation(
      config,
      clock === "real" && stringFlag(flags, "start-time") === undefined ? Date.now() : undefined,
    );
    const produced = await produceSimulation({
      transport,
      topic,
      partitions,
      sim,
      clock,
      speed,
      injectBad,
      endMarker: true,
      onProgress: (n) => progress.update(n),
    });
    progress.done();
    log(
      `[run] produced ${fmtInt(produced.events)} events (+${fmtInt(produced.messages - produced.events - partitions)} injected) in ${((performance.now() - t0) / 1000).toFixed(1)} s; waiting for the aggregators to drain`,
    );
    const codes = await Promise.all(exits);
    if (codes.some((c) => c !== 0)) {
      throw new CartstreamError(
        ERROR_CODES.STORE,
        `aggregator processes exited with codes ${codes.join(", ")}; see their output above`,
      );
    }
    const elapsed = (performance.now() - t0) / 1000;
    const store = await openStore({ kind: "postgres", db: { schema: pgSchema(name) } });
    const sessions = await store.reader.countSessions();
    const eventsParquet = join(runDir, "events.parquet");
    const archived = await compactArchive(join(runDir, "archive"), eventsParquet);
    log(
      `[run] done: ${fmtInt(produced.events)} events, ${fmtInt(sessions)} sessions in ${pgSchema(name)}.user_sessions, ${elapsed.toFixed(2)} s end to end (${fmtInt(produced.events / elapsed)} events/s); archive ${fmtInt(archived)} events`,
    );
    let code = 0;
    if (flags["skip-verify"] !== true) {
      const expected = await groundTruthSessions(
        { parquet: eventsParquet },
        { timeoutMs: Math.round(timeoutS * 1000) },
      );
      const cmp = await compareSessions(expected, await store.reader.readSessions());
      if (cmp.equal)
        log(
          `[run] ground truth: user_sessions equals the DuckDB batch sessions row for row (${fmtInt(cmp.expectedCount)} rows)`,
        );
      else {
        log(
          `[run] ground truth MISMATCH: ${cmp.onlyInExpected.count} rows only in the ground truth, ${cmp.onlyInActual.count} only in user_sessions`,
        );
        code = 1;
      }
    }
    await store.close();
    console.log(
      JSON.stringify({
        name,
        backend: "kafka",
        topic,
        sessions,
        events: produced.events,
        injected: produced.injected,
        elapsed_s: Number(elapsed.toFixed(3)),
      }),
    );
    return code;
  } finally {
    await transport.close();
  }
}
