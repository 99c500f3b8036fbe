// Crafted bad datasets fail (exit 2) naming the failing check; unusable input exits 3 with a clear message.
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEvents, sessionsSqlText } from "../../pipeline/ground-truth/index.ts";
import type { SimulatorConfig } from "../../pipeline/simulator/index.ts";
import {
  type GroundTruthComparer,
  type ValidateOptions,
  type ValidationResult,
  validateDataset,
} from "../../validation/index.ts";
import { buildPhase1Dataset, craftDataset } from "../baseline/fixtures.ts";
import { runCli } from "../helpers/cli.ts";
import {
  editTrainingFile,
  phase1Config,
  readManifest,
  removeRoot,
  simulateEventsParquet,
  tempRoot,
  writeBuiltDataset,
  writeDataset,
} from "./helpers.ts";

// Validation of a full dataset costs several CPU seconds (ground truth, sequencing SQL); CI machines are shared.
const HEAVY_MS = 300_000;

let root: string;
let base: string;
let config: SimulatorConfig;

beforeAll(async () => {
  root = tempRoot("bad");
  config = phase1Config();
  base = join(root, "base-events.parquet");
  await simulateEventsParquet(config, base);
}, HEAVY_MS);

afterAll(() => removeRoot(root));

const failing = (r: ValidationResult) => r.checks.filter((c) => c.outcome === "error");
const byId = (r: ValidationResult, id: string) => r.checks.find((c) => c.id === id)!;
/** Failed checks other than the benchmark ranges (those follow the simulator's calibration). */
const dataFailures = (r: ValidationResult) =>
  failing(r)
    .filter((c) => c.kind !== "benchmark")
    .map((c) => c.id);

/** Validates `dir` (no reports) expecting exit 2 with check `id` failed; returns the result and the check. */
async function failedCheck(dir: string, id: string, options: ValidateOptions = {}) {
  const r = await validateDataset(dir, { reports: false, ...options });
  expect(r.exitCode).toBe(2);
  const check = byId(r, id);
  expect(check.status).toBe("fail");
  return { r, check };
}

describe("crafted bad datasets exit 2 and name the failing check", { timeout: HEAVY_MS }, () => {
  it("(a) every search event duplicated with a new id: the search share leaves its range", async () => {
    const dir = await writeDataset(join(root, "search-doubled"), base, config, {
      editEvents: [
        "INSERT INTO events SELECT * REPLACE (event_id || '-dup' AS event_id) FROM events WHERE event_type = 'search'",
      ],
    });
    const { r, check: search } = await failedCheck(dir, "benchmark.event_share.search");
    expect(search.value!).toBeGreaterThan(0.1);
    expect(search.message).toMatch(
      /^search share of events \d+\.\d% .*is above the phase1 range 5\.0-10\.0%/,
    );
    // Sessions were recomputed from the edited events, so the data itself stays consistent.
    expect(failing(r).filter((c) => c.kind === "quality")).toEqual([]);
    // The distribution test sees it too (a warning by the profile's choice).
    const mix = byId(r, "distribution.event_mix");
    expect(mix.status).toBe("fail");
    expect(mix.pValue!).toBeLessThan(1e-6);
    expect(mix.message).toMatch(/largest gaps: search \+/);
  });

  it("(b) duplicated session ids: unique session_id fails", async () => {
    const dir = await writeDataset(join(root, "dup-sessions"), base, config, {
      editSessions: ["INSERT INTO sessions SELECT * FROM sessions ORDER BY session_id LIMIT 5"],
    });
    const { r, check: unique } = await failedCheck(dir, "quality.unique.session_id");
    expect(unique.value).toBe(5);
    expect(unique.message).toMatch(
      /^unique session_id: 5 session_id value\(s\) appear more than once in sessions/,
    );
    // The duplicates also break the reconciliation with the events and the ground truth.
    expect(byId(r, "quality.reconcile.event_count").status).toBe("fail");
    const gt = byId(r, "quality.ground_truth.sessions_equal");
    expect(gt.status).toBe("fail");
    expect(gt.message).toMatch(/5 duplicated row\(s\) in sessions\.parquet/);
  });

  it("(c) a purchase without a checkout: the sequencing rule fails and matches the sessions' column", async () => {
    const dir = await writeDataset(join(root, "purchase-no-checkout"), base, config, {
      editEvents: [
        // The checkout becomes a page_view (not deleted: a deleted event leaves a gap longer than the
        // timeout and splits the session, which would break session_start_first too).
        `UPDATE events SET event_type = 'page_view', cart_value = NULL
         WHERE event_type = 'checkout_initiated' AND session_id IN (
           SELECT session_id FROM events GROUP BY session_id
           HAVING count(*) FILTER (WHERE event_type = 'purchase') = 1
              AND count(*) FILTER (WHERE event_type = 'checkout_initiated') = 1
           ORDER BY session_id LIMIT 3)`,
      ],
    });
    const { r, check: rule } = await failedCheck(dir, "quality.sequence.purchase_after_checkout");
    expect(rule.value).toBe(3);
    expect(rule.message).toMatch(
      /^sequence rule "purchase only after checkout_initiated": 3 event\(s\) break it \(e\.g\. /,
    );
    expect(failing(r).map((c) => c.id)).toEqual(["quality.sequence.purchase_after_checkout"]);
    // The ground truth counted the same violations in sequence_violations.
    expect(byId(r, "quality.sequence.violations_reconciled").status).toBe("pass");
    expect(byId(r, "quality.ground_truth.sessions_equal").status).toBe("pass");
  });

  it("(d) session rows deleted: the ground-truth comparison names the missing sessions", async () => {
    const dir = await writeDataset(join(root, "missing-sessions"), base, config, {
      editSessions: [
        "DELETE FROM sessions WHERE session_id IN (SELECT session_id FROM sessions ORDER BY session_id LIMIT 25)",
      ],
    });
    const { r, check: gt } = await failedCheck(dir, "quality.ground_truth.sessions_equal");
    expect(gt.value).toBe(25);
    expect(gt.message).toMatch(
      /^sessions equal the ground truth: .*25 ground-truth session\(s\) missing from sessions\.parquet \(e\.g\. /,
    );
    expect(byId(r, "quality.reconcile.events_have_sessions").status).toBe("fail");
    expect(byId(r, "quality.reconcile.event_count").message).toMatch(
      /^reconcile event_count: sum of sessions\.event_count is/,
    );
  });

  it("other broken rows are named too: negative cart value, bad device, missing product, wrong duration", async () => {
    const dir = await writeDataset(join(root, "broken-values"), base, config, {
      editEvents: [
        "UPDATE events SET device_type = 'smart_fridge' WHERE event_id = (SELECT min(event_id) FROM events)",
        "UPDATE events SET product_id = NULL WHERE event_id = (SELECT min(event_id) FROM events WHERE event_type = 'product_view')",
      ],
      editSessions: [
        "UPDATE sessions SET cart_value = -1 WHERE session_id = (SELECT min(session_id) FROM sessions)",
        "UPDATE sessions SET session_duration_seconds = session_duration_seconds + 7 WHERE session_id = (SELECT max(session_id) FROM sessions)",
      ],
    });
    const r = await validateDataset(dir, { reports: false });
    expect(r.exitCode).toBe(2);
    const ids = failing(r).map((c) => c.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        "quality.ranges.sessions",
        "quality.duration.sessions",
        "quality.accepted_values.events",
        "quality.required_fields.events",
        "quality.ground_truth.sessions_equal",
      ]),
    );
    expect(byId(r, "quality.accepted_values.events").message).toMatch(
      /device_type has 1 row\(s\) with values outside mobile\/desktop\/tablet \(e\.g\. smart_fridge\)/,
    );
    expect(byId(r, "quality.required_fields.events").message).toMatch(/product_view\.product_id 1/);
    expect(byId(r, "quality.ground_truth.sessions_equal").message).toMatch(
      /different values in .*cart_value/,
    );
  });
});

describe("crafted training files exit 2 and name the problem", { timeout: HEAVY_MS }, () => {
  // The baseline models (leakage checks) are left out: these cases are about the files' integrity.
  const noBaseline = { baseline: false };
  let built: string;
  const copyOf = async (name: string) => {
    const dir = join(root, name);
    await writeBuiltDataset(dir, base, config);
    return dir;
  };
  beforeAll(async () => {
    built = await copyOf("built");
  }, HEAVY_MS);

  it("the built dataset passes every training-file check", async () => {
    const r = await validateDataset(built, { reports: false, ...noBaseline });
    // Only the data checks: the benchmark ranges follow the simulator's calibration (phase1-dataset.test.ts).
    expect(failing(r).filter((c) => c.kind !== "benchmark")).toEqual([]);
    const training = r.checks.filter((c) => c.kind === "training");
    expect(training.map((c) => c.id)).toEqual([
      "training.manifest",
      "training.files.checksums",
      "training.files.row_counts",
      "training.files.class_balance",
      "training.split.unique_session_id",
      "training.split.no_user_in_both",
      "training.schema.columns",
      "training.schema.not_null",
      "training.labels.consistent",
      "training.rows.match_sessions",
      "training.rows.features_recomputed",
    ]);
    for (const c of training) expect.soft(c.status, `${c.id}: ${c.message}`).toBe("pass");
    // The default recomputes a seeded sample of users (the cost of validate); every user on request.
    const { source } = readManifest(built);
    const fmt = (n: number) => n.toLocaleString("en-US");
    expect(byId(r, "training.rows.features_recomputed").message).toMatch(
      new RegExp(`for a seeded sample of 50 of ${fmt(source.users)} users`),
    );
    const all = await validateDataset(built, { reports: false, recomputeUsers: source.users, ...noBaseline });
    expect(byId(all, "training.rows.features_recomputed").message).toMatch(
      new RegExp(
        `for all ${fmt(source.users)} users \\(${fmt(source.sessions_rows)} sessions\\) equal the files`,
      ),
    );
  });

  it("all train rows duplicated (manifest re-signed): duplicates and row counts fail", async () => {
    const dir = await copyOf("train-duplicated");
    await editTrainingFile(dir, "train.parquet", ["INSERT INTO rows SELECT * FROM rows"], { resign: true });
    const { r, check } = await failedCheck(dir, "training.split.unique_session_id", noBaseline);
    const n = readManifest(dir).variants.full.splits.train.rows;
    expect(check.message).toMatch(
      new RegExp(
        `${n.toLocaleString("en-US")} session_id value\\(s\\) appear more than once in train\\.parquet`,
      ),
    );
    expect(byId(r, "training.files.row_counts").message).toMatch(
      new RegExp(
        `train\\.parquet has ${(2 * n).toLocaleString("en-US")} rows, manifest\\.json says ${n.toLocaleString("en-US")}`,
      ),
    );
    expect(byId(r, "training.files.class_balance").status).toBe("fail");
    expect(byId(r, "training.files.checksums").status).toBe("pass");
  });

  it("one test user's sessions copied into train: the user split check names the user", async () => {
    const dir = await copyOf("test-user-in-train");
    const user =
      "(SELECT min(user_id) FROM read_parquet('" + join(dir, "test.parquet").replaceAll("'", "''") + "'))";
    await editTrainingFile(
      dir,
      "train.parquet",
      [
        `INSERT INTO rows SELECT * FROM read_parquet('${join(dir, "test.parquet").replaceAll("'", "''")}') WHERE user_id = ${user}`,
      ],
      { resign: true },
    );
    const { r, check } = await failedCheck(dir, "training.split.no_user_in_both", noBaseline);
    expect(check.value).toBe(1);
    expect(check.message).toMatch(
      /1 user\(s\) have sessions in both train\.parquet and test\.parquet \(e\.g\. u\S+\); the test set then holds users the model trained on/,
    );
    expect(byId(r, "training.split.unique_session_id").message).toMatch(
      /session_id value\(s\) are in both train\.parquet and test\.parquet/,
    );
  });

  it("a file edited after the manifest was written: the checksum check names it", async () => {
    const dir = await copyOf("edited-after-manifest");
    // Same rows, other compression: only the bytes change, so only the checksum can tell.
    await editTrainingFile(dir, "test.parquet", [], { compression: "snappy" });
    const { r, check } = await failedCheck(dir, "training.files.checksums", noBaseline);
    expect(check.message).toMatch(
      /^manifest files: test\.parquet has sha256 [0-9a-f]{12}… \([\d,]+ bytes\) but manifest\.json records [0-9a-f]{12}… \([\d,]+ bytes\): it changed after the manifest was written$/,
    );
    expect(dataFailures(r)).toEqual(["training.files.checksums"]);
  });

  it("a feature value changed (manifest re-signed): rows against sessions and the recomputation name the column", async () => {
    const dir = await copyOf("feature-edited");
    await editTrainingFile(
      dir,
      "test.parquet",
      [
        "UPDATE rows SET page_views = page_views + 1, seconds_since_last_session_end = 0 WHERE session_id IN (SELECT session_id FROM rows ORDER BY session_id LIMIT 4)",
      ],
      { resign: true },
    );
    const { r, check } = await failedCheck(dir, "training.rows.features_recomputed", {
      ...noBaseline,
      recomputeUsers: 1000,
    });
    expect(check.message).toMatch(/full values differ from the recomputation in .*page_views \(4 rows\)/);
    expect(check.message).toMatch(/seconds_since_last_session_end \([1-4] rows\)/);
    expect(byId(r, "training.rows.match_sessions").message).toMatch(
      /test\.parquet: values differ from sessions\.parquet in page_views \(4 rows\)/,
    );
  });

  it("a broken ground-truth query fails the ground-truth check (error), never a skip", async () => {
    // The project's sessions.sql with one column misspelt: the comparison throws inside DuckDB.
    const broken: GroundTruthComparer = {
      description: "sessions.sql with a misspelt column",
      compare: async ({ eventsPath, timeoutMs }) => {
        const instance = await DuckDBInstance.create(":memory:");
        const con = await instance.connect();
        try {
          await loadEvents(con, { parquet: eventsPath });
          await con.run(sessionsSqlText().replaceAll("event_time", "event_tme"), {
            timeout_ms: BigInt(timeoutMs),
          });
          throw new Error("the broken query ran");
        } finally {
          con.closeSync();
          instance.closeSync();
        }
      },
    };
    const r = await validateDataset(built, { reports: false, groundTruth: broken, ...noBaseline });
    expect(r.exitCode).toBe(2);
    const gt = byId(r, "quality.ground_truth.sessions_equal");
    expect(gt.status).toBe("fail");
    expect(gt.outcome).toBe("error");
    expect(gt.message).toMatch(
      /^sessions equal the ground truth: the check threw, so it failed: .*event_tme/,
    );
    expect(dataFailures(r)).toEqual(["quality.ground_truth.sessions_equal"]);
  });
});

describe("could not run: exit 3 with a clear message", { timeout: HEAVY_MS }, () => {
  it("missing folder", async () => {
    const r = await validateDataset(join(root, "nope"));
    expect(r.exitCode).toBe(3);
    expect(r.verdict).toBe("NOT RUN");
    expect(r.error!.code).toBe("CS_NOT_FOUND");
    expect(r.error!.message).toMatch(/dataset folder .*nope does not exist/);
    expect(r.reports).toBeNull();
  });

  it("missing sessions.parquet", async () => {
    const dir = join(root, "only-events");
    mkdirSync(dir, { recursive: true });
    copyFileSync(base, join(dir, "events.parquet"));
    const r = await validateDataset(dir);
    expect(r.exitCode).toBe(3);
    expect(r.error!.message).toMatch(/has no sessions\.parquet/);
  });

  it("unreadable Parquet and a corrupt manifest", async () => {
    const dir = join(root, "garbage");
    mkdirSync(dir, { recursive: true });
    copyFileSync(base, join(dir, "events.parquet"));
    writeFileSync(join(dir, "sessions.parquet"), "this is not parquet");
    const r = await validateDataset(dir);
    expect(r.exitCode).toBe(3);
    expect(r.error!.code).toBe("CS_BAD_INPUT");
    expect(r.error!.message).toMatch(/cannot read .*sessions\.parquet as Parquet/);
    writeFileSync(join(dir, "manifest.json"), "{ nope");
    const m = await validateDataset(dir);
    expect(m.exitCode).toBe(3);
    expect(m.error!.message).toMatch(/cannot read .*manifest\.json/);
  });

  it("reports that cannot be written", async () => {
    const dir = join(root, "unwritable");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "not-a-folder"), "x");
    const ok = await writeDataset(join(root, "small"), base, config);
    const w = await validateDataset(ok, { outDir: join(dir, "not-a-folder", "reports"), groundTruth: null });
    expect(w.exitCode).toBe(3);
    expect(w.error!.message).toMatch(
      /the checks ran \(PASS with warnings\) but the reports could not be written/,
    );
    expect(w.checks.length).toBeGreaterThan(40);
  });

  it("sessions.parquet without the session columns", async () => {
    const dir = join(root, "wrong-columns");
    mkdirSync(dir, { recursive: true });
    copyFileSync(base, join(dir, "events.parquet"));
    copyFileSync(base, join(dir, "sessions.parquet"));
    const r = await validateDataset(dir);
    expect(r.exitCode).toBe(3);
    expect(r.error!.message).toMatch(/sessions\.parquet lacks column\(s\) start_time, end_time/);
  });

  it("unknown profile, and a profile file with a bad key", async () => {
    const r = await validateDataset(join(root, "nope"), { profile: "industry-1999" });
    expect(r.exitCode).toBe(3);
    expect(r.error!.message).toMatch(
      /unknown profile 'industry-1999'; known profiles: industry-2024, phase1/,
    );
    const file = join(root, "bad-profile.json");
    writeFileSync(
      file,
      JSON.stringify({
        name: "bad",
        description: "bad profile",
        checks: [
          { metric: "conversion", min: 0, max: 1, source: "x" },
          { metric: "bounce_rate", min: 0.5, max: 0.1, source: "x", colour: "red" },
        ],
      }),
    );
    const b = await validateDataset(join(root, "nope"), { profile: file });
    expect(b.exitCode).toBe(3);
    expect(b.error!.code).toBe("CS_BAD_CONFIG");
    expect(b.error!.message).toMatch(
      /checks\.0\.metric: unknown metric; known metrics: event_share\.session_start/,
    );
    expect(b.error!.message).toMatch(/checks\.1\.colour: unknown key/);
  });
});

// Leaks in the files people train on, crafted into the prediction-point variant (its baselines are far from
// derivable, so the crafted leak is the only one there): the gate exits 2 and its message names the columns.
describe("crafted leaks in the training files exit 2 and name the features", { timeout: 900_000 }, () => {
  let leakRoot: string;
  let good: string;
  const PP = ["train_prediction_point.parquet", "test_prediction_point.parquet"];
  const checkLine = (stdout: string, id: string) =>
    stdout.split("\n").find((l) => l.includes(` ${id}: `)) ?? "";

  beforeAll(async () => {
    leakRoot = tempRoot("leak");
    good = await buildPhase1Dataset(leakRoot, join(leakRoot, "good"));
  }, 900_000);
  afterAll(() => removeRoot(leakRoot));

  it("the untouched prediction-point variant passes both leak checks", async () => {
    const r = await validateDataset(good, { reports: false });
    for (const id of [
      "learnability.univariate.prediction_point.is_converted",
      "learnability.multivariate.prediction_point.is_converted",
    ])
      expect(byId(r, id).status, byId(r, id).message).toBe("pass");
  });

  it("a feature column replaced by the label (univariate leak)", async () => {
    const dir = await craftDataset(good, join(leakRoot, "univariate"), PP, [
      "UPDATE t SET pp_page_views = CAST(is_converted AS INTEGER)",
    ]);
    const v = runCli(["validate", dir], { timeoutMs: 900_000 });
    expect(v.code).toBe(2);
    expect(checkLine(v.stdout, "learnability.univariate.prediction_point.is_converted")).toMatch(
      /FAIL +learnability\.univariate\.prediction_point\.is_converted: prediction_point is_converted: the label is derivable from a single feature: pp_page_views alone has test ROC AUC 1\.000/,
    );
    expect(checkLine(v.stdout, "learnability.multivariate.prediction_point.is_converted")).toMatch(
      /the label is derivable from the features: .*drop-column importance: pp_page_views \(AUC 0\.\d+ without it\)/,
    );
  });

  it("two feature columns whose difference is the label (multivariate leak)", async () => {
    const dir = await craftDataset(good, join(leakRoot, "multivariate"), PP, [
      "UPDATE t SET prior_sessions = prior_closed_sessions + CAST(is_converted AS INTEGER)",
    ]);
    const v = runCli(["validate", dir], { timeoutMs: 900_000 });
    expect(v.code).toBe(2);
    const line = checkLine(v.stdout, "learnability.multivariate.prediction_point.is_converted");
    expect(line).toMatch(
      /FAIL +learnability\.multivariate\.prediction_point\.is_converted: prediction_point is_converted: the label is derivable from the features: logistic regression test ROC AUC (0\.99\d|1\.000)/,
    );
    expect(line).toMatch(/drop-column importance: .*prior_sessions \(AUC 0\.\d+ without it\)/);
    expect(line).toMatch(/prior_closed_sessions \(AUC 0\.\d+ without it\)/);
    // No single column gives it away: only the pair does, which a one-column check cannot see.
    expect(checkLine(v.stdout, "learnability.univariate.prediction_point.is_converted")).toBe("");
  });
});
