// The dataset builder end to end on a realistic fixture: the real simulator (seed 3, 600 s, ~24k events),
// sessions from the project's ground-truth SQL, then buildDataset into temp directories.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parquetReadObjects } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildDataset,
  type DatasetManifest,
  type DatasetResult,
  LABEL_COLUMNS,
  VARIANTS,
} from "../../features/index.ts";
import { quoteString } from "../../pipeline/files/index.ts";
import { resolveSimulatorConfig, simulate } from "../../pipeline/simulator/index.ts";
import { fileArrayBuffer, loadFixture, openDb, rows, tempDir } from "./helpers.ts";

const CONFIG = resolveSimulatorConfig({}, { seed: 3, duration_s: 600 });

let db: Awaited<ReturnType<typeof openDb>>;
const tmp = tempDir("dataset");
const dirA = join(tmp.dir, "a");
const dirB = join(tmp.dir, "b");
const dirC = join(tmp.dir, "c");
let a: DatasetResult;
let b: DatasetResult;
let c: DatasetResult;
const progress: string[] = [];

function sha256(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

function readManifest(dir: string): DatasetManifest {
  return JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as DatasetManifest;
}

beforeAll(async () => {
  db = await openDb();
  const { events } = simulate(CONFIG);
  await loadFixture(db.con, events);
  const common = { name: "sim-seed3", config: CONFIG, command: "cartstream dataset --seed 7" };
  a = await buildDataset(db.con, {
    ...common,
    outDir: dirA,
    seed: 7,
    onProgress: (p) => progress.push(`${p.index}/${p.total} ${p.step}`),
  });
  b = await buildDataset(db.con, { ...common, outDir: dirB, seed: 7 });
  c = await buildDataset(db.con, { ...common, outDir: dirC, seed: 8 });
});

afterAll(() => {
  db.close();
  tmp.cleanup();
});

async function usersOf(dir: string, file: string): Promise<Set<string>> {
  const r = await rows(db.con, `SELECT DISTINCT user_id FROM read_parquet(${quoteString(join(dir, file))})`);
  return new Set(r.map((x) => String(x.user_id)));
}

describe("buildDataset on a simulated run", () => {
  it("writes every file and reports rows that add up", async () => {
    const sessions = Number((await rows(db.con, "SELECT count(*) AS n FROM sessions"))[0]!.n);
    expect(sessions).toBeGreaterThan(2000);
    expect(a.rows.sessions).toBe(sessions);
    expect(a.rows.train + a.rows.test).toBe(sessions);
    expect(a.rows.test / sessions).toBeGreaterThan(0.18);
    expect(a.rows.test / sessions).toBeLessThan(0.22);
    const withCart = Number(
      (await rows(db.con, "SELECT count(*) AS n FROM sessions WHERE cart_additions > 0"))[0]!.n,
    );
    expect(a.rows.trainPredictionPoint + a.rows.testPredictionPoint).toBe(withCart);
    const counted = await rows(
      db.con,
      `SELECT count(*) AS n FROM read_parquet([${[a.paths.train, a.paths.test].map(quoteString).join(", ")}])`,
    );
    expect(counted[0]!.n).toBe(sessions);
    expect(progress.at(-1)).toMatch(/^(\d+)\/\1 manifest/);
    // intermediate tables are gone, the inputs are untouched
    const tables = await rows(db.con, "SELECT table_name FROM duckdb_tables() ORDER BY table_name");
    expect(tables.map((t) => t.table_name)).toEqual(["events", "sessions"]);
  });

  it("puts no user in both splits (both variants)", async () => {
    for (const v of Object.values(VARIANTS)) {
      const train = await usersOf(dirA, v.files.train);
      const test = await usersOf(dirA, v.files.test);
      expect([...train].filter((u) => test.has(u))).toEqual([]);
      expect(train.size).toBeGreaterThan(0);
      expect(test.size).toBeGreaterThan(0);
    }
    expect(a.manifest.split.users_in_both).toBe(0);
  });

  it("keeps the conversion rate within 1 point across splits", async () => {
    const r = await rows(
      db.con,
      `SELECT avg(CAST(is_converted AS DOUBLE)) AS rate FROM read_parquet(${quoteString(a.paths.train)})
       UNION ALL SELECT avg(CAST(is_converted AS DOUBLE)) FROM read_parquet(${quoteString(a.paths.test)})`,
    );
    const [train, test] = r.map((x) => Number(x.rate));
    expect(train).toBeGreaterThan(0.05);
    expect(Math.abs(train! - test!)).toBeLessThan(0.01);
    const s = a.manifest.variants.full.splits;
    expect(s.train.is_converted.rate).toBeCloseTo(train!, 5);
    expect(s.test.is_converted.positives + s.test.is_converted.negatives).toBe(a.rows.test);
  });

  it("same input and seed give byte-identical files; another seed another split", async () => {
    for (const f of [
      "train.parquet",
      "test.parquet",
      "train_prediction_point.parquet",
      "test_prediction_point.parquet",
      "sessions.parquet",
      "events.parquet",
      "manifest.json",
      "DATASET.md",
    ]) {
      expect(sha256(join(dirB, f)), f).toBe(sha256(join(dirA, f)));
    }
    expect(b.manifest).toEqual(a.manifest);
    expect(c.manifest.seed).toBe(8);
    expect(c.manifest.files.find((f) => f.path === "test.parquet")!.sha256).not.toBe(
      a.manifest.files.find((f) => f.path === "test.parquet")!.sha256,
    );
    expect(sha256(join(dirC, "test.parquet"))).not.toBe(sha256(join(dirA, "test.parquet")));
    const testA = await usersOf(dirA, "test.parquet");
    const testC = await usersOf(dirC, "test.parquet");
    expect([...testA].filter((u) => !testC.has(u)).length).toBeGreaterThan(0);
    // the raw copies do not depend on the seed
    expect(sha256(join(dirC, "events.parquet"))).toBe(sha256(join(dirA, "events.parquet")));
  });

  it("the input tables' row order does not matter", async () => {
    const out = join(tmp.dir, "shuffled");
    await db.con.run("CREATE TABLE events_sorted AS SELECT * FROM events");
    await db.con.run("CREATE TABLE sessions_sorted AS SELECT * FROM sessions");
    try {
      await db.con.run(
        "CREATE OR REPLACE TABLE events AS SELECT * FROM events_sorted ORDER BY hash(event_id)",
      );
      await db.con.run(
        "CREATE OR REPLACE TABLE sessions AS SELECT * FROM sessions_sorted ORDER BY hash(session_id)",
      );
      await buildDataset(db.con, {
        name: "sim-seed3",
        config: CONFIG,
        command: "cartstream dataset --seed 7",
        outDir: out,
        seed: 7,
      });
      for (const f of a.manifest.files) expect(sha256(join(out, f.path)), f.path).toBe(f.sha256);
    } finally {
      await db.con.run("CREATE OR REPLACE TABLE events AS SELECT * FROM events_sorted");
      await db.con.run("CREATE OR REPLACE TABLE sessions AS SELECT * FROM sessions_sorted");
      await db.con.run("DROP TABLE events_sorted");
      await db.con.run("DROP TABLE sessions_sorted");
    }
  });

  it("gives the same bytes when the connection does not preserve insertion order (sorts instead)", async () => {
    const out = join(tmp.dir, "unordered");
    await db.con.run("SET preserve_insertion_order = false");
    try {
      await buildDataset(db.con, {
        name: "sim-seed3",
        config: CONFIG,
        command: "cartstream dataset --seed 7",
        outDir: out,
        seed: 7,
      });
    } finally {
      await db.con.run("RESET preserve_insertion_order");
    }
    for (const f of a.manifest.files) expect(sha256(join(out, f.path)), f.path).toBe(f.sha256);
  });

  it("the manifest's sha256 of every file matches the file", () => {
    const m = readManifest(dirA);
    expect(m.files.map((f) => f.path).sort()).toEqual(
      [
        "DATASET.md",
        "events.parquet",
        "sessions.parquet",
        "test.parquet",
        "test_prediction_point.parquet",
        "train.parquet",
        "train_prediction_point.parquet",
      ].sort(),
    );
    for (const f of m.files) {
      expect(sha256(join(dirA, f.path)), f.path).toBe(f.sha256);
      expect(readFileSync(join(dirA, f.path)).length).toBe(f.bytes);
    }
  });

  it("the manifest's feature lists hold no label, latent truth, id or timestamp", () => {
    const m = readManifest(dirA);
    for (const v of Object.values(m.variants)) {
      const roles = new Map(v.columns.map((c) => [c.name, c.role]));
      expect(v.features.length).toBeGreaterThan(10);
      for (const bad of [
        ...LABEL_COLUMNS,
        "persona",
        "intended_outcome",
        "abandonment_reason",
        "session_id",
        "user_id",
        "base_session_id",
        "start_time",
        "purchases",
        "checkout_reached",
        "checkouts",
        "cart_value",
        "event_count",
        "session_duration_seconds",
        "avg_time_per_page",
        "bounce",
      ]) {
        expect(v.features).not.toContain(bad);
      }
      for (const f of v.features) expect(roles.get(f)).toBe("feature");
      expect(roles.get("persona")).toBe("metadata");
      expect(roles.get("intended_outcome")).toBe("metadata");
      expect(roles.get("is_converted")).toBe("label");
      expect(roles.get("session_id")).toBe("id");
      expect(roles.get("start_time")).toBe("timestamp");
    }
    expect(m.seed).toBe(7);
    expect(m.config).toEqual(JSON.parse(JSON.stringify(CONFIG)));
    expect(m.command).toBe("cartstream dataset --seed 7");
    expect(m.sql_steps.map((s) => s.file)).toContain("110_user_history.sql");
    expect(m.source.sessions_rows).toBe(a.rows.sessions);
    expect(m.source.events_rows).toBe(a.rows.events);
    expect(m.checks.every((c) => c.failing === 0)).toBe(true);
    expect(JSON.stringify(m)).not.toMatch(/created_at|built_at/);
  });

  it("DuckDB reads the files with the manifest's types", async () => {
    const m = readManifest(dirA);
    for (const v of Object.values(m.variants)) {
      for (const file of Object.values(v.files)) {
        const d = await rows(db.con, `DESCRIBE SELECT * FROM read_parquet(${quoteString(join(dirA, file))})`);
        expect(d.map((x) => [x.column_name, x.column_type])).toEqual(v.columns.map((c) => [c.name, c.type]));
      }
    }
    const types = Object.fromEntries(m.variants.full.columns.map((c) => [c.name, c.type]));
    expect(types).toMatchObject({
      start_time: "TIMESTAMP",
      purchase_value: "DECIMAL(10,2)",
      is_converted: "BOOLEAN",
      page_views: "INTEGER",
      search_share: "DOUBLE",
    });
    // sessions.parquet = the snapshot's rows and columns as they were
    const s = await rows(
      db.con,
      `SELECT count(*) AS n FROM (SELECT * FROM read_parquet(${quoteString(join(dirA, "sessions.parquet"))}) EXCEPT ALL SELECT * FROM sessions)`,
    );
    expect(s[0]!.n).toBe(0);
    const e = await rows(
      db.con,
      `SELECT count(*) AS n FROM (SELECT * FROM events EXCEPT ALL SELECT * FROM read_parquet(${quoteString(join(dirA, "events.parquet"))}))`,
    );
    expect(e[0]!.n).toBe(0);
  });

  it("hyparquet reads the ZSTD files with the same values as DuckDB", async () => {
    const file = fileArrayBuffer(a.paths.test);
    const objs = (await parquetReadObjects({ file, compressors })) as Record<string, unknown>[];
    expect(objs.length).toBe(a.rows.test);
    const duck = await rows(
      db.con,
      `SELECT session_id, user_id, start_time, page_views, purchase_value, is_converted, search_share,
         seconds_to_first_cart, prior_purchase_value, device_type
       FROM read_parquet(${quoteString(a.paths.test)})`,
    );
    for (const i of [0, 1, Math.floor(objs.length / 2), objs.length - 1]) {
      const h = objs[i]!;
      const d = duck[i]!;
      expect(h.session_id).toBe(d.session_id);
      expect(h.user_id).toBe(d.user_id);
      expect((h.start_time as Date).getTime()).toBe((d.start_time as Date).getTime());
      expect(Number(h.page_views)).toBe(d.page_views);
      expect(Number(h.purchase_value)).toBeCloseTo(Number(d.purchase_value), 6);
      expect(h.is_converted).toBe(d.is_converted);
      expect(h.search_share).toBeCloseTo(Number(d.search_share), 12);
      expect(h.seconds_to_first_cart ?? null).toEqual(d.seconds_to_first_cart);
      expect(Number(h.prior_purchase_value)).toBeCloseTo(Number(d.prior_purchase_value), 6);
      expect(h.device_type).toBe(d.device_type);
    }
    // rows are ordered by (start_time, session_id)
    const keys = objs.map((o) => `${(o.start_time as Date).toISOString()} ${o.session_id}`);
    expect([...keys].sort()).toEqual(keys);
  });

  it("writes a data card with the split tables, the columns and how to load", () => {
    const card = readFileSync(a.paths.dataCard, "utf8");
    expect(card).toMatch(/simulated/i);
    expect(card).toContain("cartstream dataset --seed 7");
    expect(card).toContain("| split | rows | users | converted |");
    expect(card).toContain("| `prior_purchases` | INTEGER | feature |");
    expect(card).toContain("| `persona` | VARCHAR | metadata |");
    expect(card).toContain("15.7%");
    expect(card).toContain("parquetReadObjects");
    expect(card).toContain("read_parquet");
  });
});

describe("time split", () => {
  it("puts the latest 20% of sessions in test and records the cutoff", async () => {
    const out = join(tmp.dir, "time");
    const r = await buildDataset(db.con, { outDir: out, name: "time", seed: 7, split: "time" });
    expect(r.manifest.split.method).toBe("time");
    const cutoff = r.manifest.split.time_cutoff!;
    expect(cutoff).toMatch(/^\d{4}-\d\d-\d\dT/);
    const bounds = await rows(
      db.con,
      `SELECT (SELECT max(start_time) FROM read_parquet(${quoteString(r.paths.train)})) AS train_max,
              (SELECT min(start_time) FROM read_parquet(${quoteString(r.paths.test)})) AS test_min`,
    );
    expect((bounds[0]!.train_max as Date).getTime()).toBeLessThan(Date.parse(cutoff));
    expect((bounds[0]!.test_min as Date).toISOString()).toBe(cutoff);
    expect(r.rows.test / (r.rows.train + r.rows.test)).toBeCloseTo(0.2, 2);
    expect(r.manifest.split.users_in_both).toBeGreaterThan(0);
  });
});
