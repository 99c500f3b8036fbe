// DATASET.md: the human-readable data card, rendered from the manifest only (so it is deterministic too).
import type { VariantName } from "./columns.ts";
import type { DatasetManifest, SplitName, VariantManifest } from "./types.ts";

const VARIANT_TITLES: Record<VariantName, string> = {
  full: "Full-session variant",
  prediction_point: "Prediction-point variant",
};

function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

function pct(rate: number): string {
  return `${(rate * 100).toFixed(2)}%`;
}

function table(header: string[], rows: string[][]): string {
  const lines = [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`];
  for (const r of rows) lines.push(`| ${r.map(cell).join(" | ")} |`);
  return lines.join("\n");
}

function balanceTable(v: VariantManifest): string {
  const rows = (["train", "test"] as SplitName[]).map((s) => {
    const st = v.splits[s];
    return [
      `${s} (\`${v.files[s]}\`)`,
      String(st.rows),
      String(st.users),
      String(st.is_converted.positives),
      pct(st.is_converted.rate),
      String(st.abandoned.positives),
      pct(st.abandoned.rate),
    ];
  });
  return table(
    ["split", "rows", "users", "converted", "conversion rate", "abandoned", "abandonment rate"],
    rows,
  );
}

function readsText(reads: readonly string[] | null): string {
  return reads === null ? "" : reads.length === 0 ? "nothing" : reads.join(", ");
}

function columnsTable(v: VariantManifest): string {
  return table(
    ["column", "type", "role", "reads", "meaning"],
    v.columns.map((c) => [`\`${c.name}\``, c.type, c.role, readsText(c.reads), c.meaning]),
  );
}

function labelFeatureLines(v: VariantManifest): string[] {
  return Object.entries(v.features_by_label).map(([label, fs]) => {
    const left = v.features.filter((f) => !fs.includes(f));
    return `- \`${label}\`: ${fs.length} of ${v.features.length} features${
      left.length > 0 ? `; left out: ${left.map((f) => `\`${f}\``).join(", ")}` : " (all)"
    }.`;
  });
}

export function renderDataCard(m: DatasetManifest): string {
  const full = m.variants.full;
  const pp = m.variants.prediction_point;
  const allRows = full.splits.train.rows + full.splits.test.rows;
  const converted = full.splits.train.is_converted.positives + full.splits.test.is_converted.positives;
  const overallConversion = allRows === 0 ? 0 : converted / allRows;
  const splitText =
    m.split.method === "user"
      ? `by user: every user's sessions are all in train or all in test (users in both: ${m.split.users_in_both}). ` +
        `About ${Math.round(m.split.test_fraction * 100)}% of sessions go to test, stratified by \`is_converted\`: ` +
        "users are walked biggest first (ties in the order of md5(seed, user_id)) and each goes to the side that " +
        "keeps test's positives and negatives closest to the test fraction, so the conversion rate is nearly equal across splits."
      : `by time: sessions with start_time before ${m.split.time_cutoff ?? "(none)"} (the ${Math.round(
          (1 - m.split.test_fraction) * 100,
        )}% quantile of start_time) are train, the rest test. A user may have sessions on both sides ` +
        `(${m.split.users_in_both} users do); the seed plays no part in a time split.`;

  const excluded = full.columns.filter((c) => c.role === "metadata");
  const out: string[] = [];
  out.push(`# ${m.name}: cartstream session dataset (simulated)`);
  out.push("");
  out.push(
    "> **Simulated data.** Every session comes from the cartstream simulator's personas, not from real shoppers. " +
      "Use it to build and test cart-abandonment and purchase-propensity pipelines, not to learn facts about real customers.",
  );
  out.push("");
  out.push("## What it is");
  out.push("");
  out.push(
    `One row per e-commerce session: ${m.source.sessions_rows} sessions of ${m.source.users} users ` +
      `(start times ${m.source.first_start_time ?? "-"} to ${m.source.last_start_time ?? "-"}, UTC), built from ` +
      `${m.source.events_rows} raw click events. Each row carries identifiers, start time, device and browser, ` +
      "behaviour counts, derived features, point-in-time user history, three labels and the simulator's latent " +
      "persona as metadata. Two variants:",
  );
  out.push("");
  out.push(`- **full** (\`${full.files.train}\`, \`${full.files.test}\`): ${full.description}.`);
  out.push(`- **prediction_point** (\`${pp.files.train}\`, \`${pp.files.test}\`): ${pp.description}.`);
  out.push("");
  out.push(
    "`sessions.parquet` holds every session row exactly as snapshotted and `events.parquet` the raw events; " +
      "validation reads both. `manifest.json` is the machine-readable version of this card.",
  );
  out.push("");
  out.push("## How it was made");
  out.push("");
  out.push(`- command: ${m.command ? `\`${m.command}\`` : "(not recorded)"}`);
  out.push(`- seed: \`${String(m.seed)}\``);
  out.push(`- split: ${m.split.method}, test fraction ${m.split.test_fraction}`);
  out.push(`- session timeout used for point-in-time history: ${m.point_in_time.timeout_ms} ms`);
  out.push(`- DuckDB ${m.duckdb_version}; SQL steps (features/sql, run in this order):`);
  for (const s of m.sql_steps) out.push(`  - \`${s.file}\``);
  out.push(
    "- Deterministic: the same input tables, options and DuckDB version give byte-identical Parquet files " +
      "(train/test rows ordered by start_time, session_id; sessions.parquet by session_id; events.parquet by " +
      "event_time, event_id, session_id; no wall-clock time anywhere in the files, the manifest or this card).",
  );
  out.push("");
  out.push("Configuration of the run:");
  out.push("");
  out.push("```json");
  out.push(JSON.stringify(m.config, null, 2));
  out.push("```");
  out.push("");
  out.push("## Splits and class balance");
  out.push("");
  out.push(splitText);
  out.push("");
  out.push(`### ${VARIANT_TITLES.full}`);
  out.push("");
  out.push(balanceTable(full));
  out.push("");
  out.push(`### ${VARIANT_TITLES.prediction_point}`);
  out.push("");
  out.push(balanceTable(pp));
  out.push("");
  out.push(
    "The prediction-point variant uses the same assignment of users (or the same time cutoff) as the full variant, " +
      "so a session is on the same side in both; its class balance is not separately stratified.",
  );
  out.push("");
  out.push("## Labels");
  out.push("");
  for (const [label, d] of Object.entries(m.label_definitions)) {
    out.push(`- \`${label}\`: ${d.meaning}. Defined by the session's ${d.events.join(", ")} events.`);
  }
  out.push(
    "- Sessions neither converted nor abandoned are browsing-only. Cart abandonment = abandoned / (converted + abandoned).",
  );
  out.push("");
  out.push("## Feature hygiene: what each feature reads");
  out.push("");
  out.push(`${m.feature_rule}`);
  out.push("");
  out.push(
    "Every column's `reads` (in the column tables below and in manifest.json) lists its sources: an event type " +
      "is this session's events of that type (in the prediction-point variant only those up to the point); " +
      "`first_event` is the time, device or browser of the session's first event; `earlier:<type>` is that " +
      "type in the user's earlier sessions known to be over, `earlier:times` only their start and end times.",
  );
  out.push("");
  out.push("Features per label (`features_by_label` in the manifest):");
  out.push("");
  out.push(`${VARIANT_TITLES.full}:`);
  out.push("");
  out.push(...labelFeatureLines(full));
  out.push("");
  out.push(`${VARIANT_TITLES.prediction_point}:`);
  out.push("");
  out.push(...labelFeatureLines(pp));
  out.push("");
  out.push(
    "`abandoned` at session end: with no purchase, the additions and removals decide whether a cart is left, so " +
      "its session-end feature list keeps only features that read no cart event (views, searches, prices seen, " +
      "history, start). For in-session abandonment prediction use the prediction-point variant, where every " +
      "row has a cart at the point and every feature may be used.",
  );
  out.push("");
  out.push("## Point-in-time rules");
  out.push("");
  out.push(`- History: ${m.point_in_time.rule}`);
  out.push(
    "- Prediction point: the first add_to_cart in event order (event_time, event_id). Its features read only " +
      "events at or before it; sessions without an add_to_cart are not in that variant. History features there " +
      "are the same as-of-start values as in the full variant.",
  );
  out.push(
    "- Full variant: behaviour features cover the session's browse and cart events, including those after a " +
      "purchase; they suit post-session models. For a model that acts during the session, use the prediction-point variant.",
  );
  out.push("");
  out.push("## Default features and what is left out");
  out.push("");
  out.push(`Full variant (${full.features.length}): ${full.features.map((f) => `\`${f}\``).join(", ")}.`);
  out.push("");
  out.push(
    `Prediction-point variant (${pp.features.length}): ${pp.features.map((f) => `\`${f}\``).join(", ")}.`,
  );
  out.push("");
  out.push("Kept as metadata, never in a default feature list:");
  out.push("");
  for (const c of excluded) out.push(`- \`${c.name}\`: ${c.meaning}.`);
  out.push("");
  out.push(
    "Identifiers (`session_id`, `user_id`, `base_session_id`) and `start_time` are for joining, grouping and " +
      "ordering, not features.",
  );
  out.push("");
  out.push("## Columns");
  out.push("");
  out.push(`### ${VARIANT_TITLES.full}`);
  out.push("");
  out.push(columnsTable(full));
  out.push("");
  out.push(`### ${VARIANT_TITLES.prediction_point}`);
  out.push("");
  out.push(columnsTable(pp));
  out.push("");
  out.push("## Known limitations");
  out.push("");
  out.push(
    "- Simulated behaviour: three personas (window shoppers, intent buyers, cart abandoners). Patterns a model " +
      "finds are properties of the simulator's behaviour model, not of shoppers; the validation report measures " +
      "how close its realism metrics come to published clickstream figures.",
  );
  out.push(
    `- Conversion is ${pct(overallConversion)} of sessions here. The phase-1 default deliberately runs about 15.7% ` +
      "for class balance, far above the 2-5% typical of real e-commerce sessions: calibrate or reweight before " +
      "reading absolute probabilities.",
  );
  out.push(
    "- Users hold several sessions at once (tabs, devices), as the phase-1 arithmetic requires; " +
      "`open_sessions_at_start` shows it. History features are short for users seen in a short run.",
  );
  out.push(
    "- Sessions still open at the snapshot have no end (`ended_by` NULL) and their labels reflect the events so far.",
  );
  out.push(
    "- The timestamps are simulated event time, so hour-of-day and weekday features follow the simulator's clock " +
      "start, not a real diurnal pattern.",
  );
  out.push("");
  out.push("## Data checks");
  out.push("");
  out.push(
    table(
      ["check", "severity", "failing rows"],
      m.checks.map((c) => [c.name, c.severity, String(c.failing)]),
    ),
  );
  out.push("");
  out.push("## Files");
  out.push("");
  out.push(
    table(
      ["file", "bytes", "sha256"],
      m.files.map((f) => [`\`${f.path}\``, String(f.bytes), `\`${f.sha256}\``]),
    ),
  );
  out.push("");
  out.push("## How to load");
  out.push("");
  out.push("DuckDB (CLI or any client), from this directory:");
  out.push("");
  out.push("```sql");
  out.push(
    `SELECT ${full.features.slice(0, 4).join(", ")}, is_converted FROM read_parquet('train.parquet') LIMIT 5;`,
  );
  out.push("SELECT is_converted, count(*) FROM read_parquet('test.parquet') GROUP BY ALL;");
  out.push("-- the feature list of a variant, from the manifest");
  out.push(
    "SELECT unnest(variants.full.features) AS feature FROM read_json('manifest.json', maximum_object_size = 100000000);",
  );
  out.push("```");
  out.push("");
  out.push("TypeScript (Node, hyparquet + hyparquet-compressors for ZSTD):");
  out.push("");
  out.push("```ts");
  out.push('import { readFileSync } from "node:fs";');
  out.push('import { parquetReadObjects } from "hyparquet";');
  out.push('import { compressors } from "hyparquet-compressors";');
  out.push("");
  out.push('const buf = readFileSync("train.parquet");');
  out.push("const file = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);");
  out.push("const rows = await parquetReadObjects({ file, compressors });");
  out.push('const manifest = JSON.parse(readFileSync("manifest.json", "utf8"));');
  out.push("const X = rows.map((r) => manifest.variants.full.features.map((f: string) => r[f]));");
  out.push("const y = rows.map((r) => r.is_converted);");
  out.push("```");
  out.push("");
  out.push(
    "hyparquet returns TIMESTAMP columns as Date, DECIMAL as number and BIGINT as bigint; the columns table above gives each column's type.",
  );
  out.push("");
  return out.join("\n");
}
