// The fault suite's harness: private Kafka, PostgreSQL and Redis instances (scripts/faults/services.sh, own
// ports and data dirs, so the shared services are never touched), the CLI's aggregators and producer as
// child processes pointed at them, and the end of every scenario: user_sessions checked row for row against
// the DuckDB ground truth of the simulation itself (an independent NDJSON of the same seed and start time).
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { type Verification, verifySessions } from "../../pipeline/ground-truth/index.ts";
import { pgSchema } from "../../pipeline/service/index.ts";
import { openPgDb, openStore, quoteIdent } from "../../pipeline/store/index.ts";
import { KafkaTransport } from "../../pipeline/transport/index.ts";
import { type CliChild, spawnCli } from "../helpers/child.ts";
import { REPO_ROOT, runCli } from "../helpers/cli.ts";

const SERVICES = join(REPO_ROOT, "scripts/faults/services.sh");
/** Event time of every scenario's first event: the real-clock producer and the reference agree on it. */
const START_TIME = "2025-10-20T12:00:00.000Z";
/** The phase-1 session timeout (the aggregators' --timeout default), in ms. */
const TIMEOUT_MS = 60_000;

export type FaultCommand =
  | "up"
  | "down"
  | "kafka-kill"
  | "kafka-start"
  | "pg-restart"
  | "redis-stop"
  | "redis-start";

/** Runs one services.sh command; its log goes to the test's stderr. */
export function services(command: FaultCommand): void {
  execFileSync("bash", [SERVICES, command], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "inherit", "inherit"],
    timeout: 300_000,
  });
}

/** KAFKA_BROKERS, DATABASE_URL and REDIS_URL of the private instances (from services.sh, the one place). */
export const FAULT_ENV: Record<string, string> = Object.fromEntries(
  execFileSync("bash", [SERVICES, "env"], { cwd: REPO_ROOT, encoding: "utf8" })
    .trim()
    .split("\n")
    .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
);

const kafka = () => new KafkaTransport({ brokers: FAULT_ENV.KAFKA_BROKERS! });

export interface RunShape {
  seed: number;
  /** Simulated seconds (phase-1 rate, 40 events/s). */
  duration: number;
  partitions: number;
}

/** One scenario's run: its own topic, group and schema on the private services. */
export class FaultRun {
  readonly name: string;
  readonly topic: string;
  readonly group: string;
  readonly reference: string;
  /** Every run made, so that a failed scenario's logs can be saved and its children stopped. */
  static readonly all: FaultRun[] = [];
  readonly aggregators: CliChild[] = [];
  private readonly dir: string;

  private constructor(
    tag: string,
    readonly shape: RunShape,
  ) {
    this.name = `fault-${tag}-${randomUUID().slice(0, 8)}`;
    this.topic = `events.${this.name}`;
    this.group = `g-${this.name}`;
    this.dir = join(REPO_ROOT, "data", "runs", this.name);
    this.reference = join(this.dir, "reference.ndjson");
  }

  /** The topic, and the reference NDJSON: the same simulation the producer sends, in the virtual clock. */
  static async create(tag: string, shape: RunShape): Promise<FaultRun> {
    const run = new FaultRun(tag, shape);
    FaultRun.all.push(run);
    mkdirSync(run.dir, { recursive: true });
    const t = kafka();
    try {
      await t.createTopic(run.topic, shape.partitions);
    } finally {
      await t.close();
    }
    const r = runCli(["simulate", ...run.simFlags(), "--out", run.reference, "--quiet"]);
    expect(r.code, r.stderr).toBe(0);
    return run;
  }

  private simFlags(): string[] {
    return [
      "--seed",
      String(this.shape.seed),
      "--duration",
      String(this.shape.duration),
      "--start-time",
      START_TIME,
      // The stream ends with the window: a real-clock producer does not pace the drain's sparse tail.
      "--end",
      "cut",
    ];
  }

  /** Starts one group member (`cartstream aggregate --exit-when-done`) on the private services. */
  aggregator(extra: string[] = []): CliChild {
    const child = spawnCli(
      [
        "aggregate",
        "--name",
        this.name,
        "--group",
        this.group,
        "--topic",
        this.topic,
        "--dlq-topic",
        `${this.topic}.dlq`,
        "--metrics-port",
        "-1",
        "--exit-when-done",
        "--log-every",
        "5",
        ...extra,
      ],
      { env: FAULT_ENV, watchdogMs: 240_000 },
    );
    this.aggregators.push(child);
    return child;
  }

  /** The producer: virtual clock (as fast as the broker takes it) or real clock at `speed` x. */
  produce(clock: { speed: number } | "virtual"): CliChild {
    const pace = clock === "virtual" ? [] : ["--clock", "real", "--speed", String(clock.speed)];
    return spawnCli(
      [
        "produce",
        ...this.simFlags(),
        "--topic",
        this.topic,
        "--partitions",
        String(this.shape.partitions),
        ...pace,
        "--quiet",
      ],
      {
        env: FAULT_ENV,
        watchdogMs: 240_000,
      },
    );
  }

  /** Rows in user_sessions so far (-1 while the table or the server is not there). */
  async committedRows(): Promise<number> {
    const db = await openPgDb({ url: FAULT_ENV.DATABASE_URL! }).catch(() => null);
    if (!db) return -1;
    try {
      const rows = await db.query(
        `SELECT count(*)::int AS n FROM ${quoteIdent(pgSchema(this.name))}.user_sessions`,
      );
      return Number(rows[0]?.n ?? -1);
    } catch {
      return -1;
    } finally {
      await db.close().catch(() => {});
    }
  }

  /** Waits for every aggregator started so far and expects a clean exit (0) from each. */
  async expectAggregatorsDone(): Promise<void> {
    const exits = await Promise.all(this.aggregators.map((a) => a.exit));
    exits.forEach((e, i) => {
      this.saveLog(i);
      expect(e, `aggregator ${i + 1}: ${this.aggregators[i]!.stderr().slice(-3000)}`).toEqual({
        code: 0,
        signal: null,
      });
    });
  }

  /** Every aggregator's stderr so far into the run folder (also for a scenario that failed half way). */
  saveLogs(): void {
    for (let i = 0; i < this.aggregators.length; i++) this.saveLog(i);
  }

  saveLog(i: number): void {
    writeFileSync(join(this.dir, `aggregator-${i + 1}.log`), this.aggregators[i]!.stderr());
  }

  /** user_sessions against the ground truth of the reference events, row for row. */
  async verify(): Promise<Verification> {
    const store = await openStore({
      kind: "postgres",
      db: { url: FAULT_ENV.DATABASE_URL!, schema: pgSchema(this.name) },
    });
    try {
      const v = await verifySessions({
        events: { ndjson: this.reference },
        actual: () => store.reader.readSessions(),
        timeoutMs: TIMEOUT_MS,
      });
      expect(v.onlyInExpected.samples).toEqual([]);
      expect(v.onlyInActual.samples).toEqual([]);
      expect(v.equal).toBe(true);
      expect(v.expectedCount).toBeGreaterThan(100);
      return v;
    } finally {
      await store.close();
    }
  }

  /** The run folder goes (its logs stay on a failure: call only after the checks passed). */
  cleanup(): void {
    FaultRun.all.splice(FaultRun.all.indexOf(this), 1);
    if (process.env.CS_KEEP_TEST_DATA !== "1") rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Polls `check` every 200 ms until it returns true (throws after `timeoutMs` naming `what`). */
export async function until(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
