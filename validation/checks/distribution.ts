// Distribution checks with p-values: chi-square goodness of fit of the event mix against the profile's
// expected mix, and of the session device shares against manifest.config.devices. Both correct the Pearson
// statistic for clustering (Rao-Scott, users as clusters): events of one session, and sessions of one user,
// are not independent draws, and an uncorrected test on ~60k events rejects almost any expectation.
import { DEVICE_TYPES, EVENT_TYPES } from "../../pipeline/events/index.ts";
import { DEFAULT_CONFIG } from "../../pipeline/simulator/index.ts";
import { configDifferences, configFingerprint } from "../config-fingerprint.ts";
import type { DatasetInput } from "../dataset.ts";
import { fmtP, fmtPct } from "../format.ts";
import type { ComputedMetrics } from "../metrics.ts";
import { DEFAULT_ALPHA, type ParsedProfile } from "../options.ts";
import { chiSquareGoodnessOfFit } from "../stats.ts";
import type { CheckResult, DatasetFacts } from "../types.ts";
import { makeCheck } from "./result.ts";

/** Observed minus expected share, largest first: the categories that drive the statistic. */
function largestGaps(observed: Record<string, number>, expected: Record<string, number>, n = 3): string {
  const total = Object.values(observed).reduce((a, b) => a + b, 0);
  return Object.keys(expected)
    .map((k) => ({ k, gap: (observed[k] ?? 0) / total - expected[k]! }))
    .sort((a, b) => Math.abs(b.gap) - Math.abs(a.gap))
    .slice(0, n)
    .map(({ k, gap }) => `${k} ${gap >= 0 ? "+" : ""}${(100 * gap).toFixed(2)} points`)
    .join(", ");
}

function normalise(shares: Record<string, number>): Record<string, number> {
  const total = Object.values(shares).reduce((a, b) => a + b, 0);
  return Object.fromEntries(Object.entries(shares).map(([k, v]) => [k, total > 0 ? v / total : 0]));
}

function eventMixCheck(
  profile: ParsedProfile,
  input: DatasetInput,
  facts: DatasetFacts,
  computed: ComputedMetrics,
): CheckResult | null {
  const spec = profile.distributions?.event_mix;
  if (!spec) return null;
  const alpha = spec.alpha ?? DEFAULT_ALPHA;
  const severity = spec.severity ?? "warning";
  const expectedSpec = spec.expected;
  let expected: Record<string, number>;
  let expectedFrom: string;
  let referenceN: number | undefined;
  let configNote = "";
  if (expectedSpec.method === "reference") {
    expected = normalise(expectedSpec.shares);
    referenceN = expectedSpec.events;
    expectedFrom = `reference run (${expectedSpec.source})`;
    const config = input.manifest?.config;
    if (!config) {
      configNote = "; no manifest config, so whether this dataset used the reference config is unknown";
    } else if (configFingerprint(config) !== expectedSpec.config_sha256) {
      // The reference runs used the default config; name the keys when that is still the default.
      const reference = DEFAULT_CONFIG as unknown as Record<string, unknown>;
      const diff =
        configFingerprint(reference) === expectedSpec.config_sha256
          ? configDifferences(reference, config)
          : [];
      const keys =
        diff.length > 0 ? ` in ${diff.slice(0, 6).join(", ")}${diff.length > 6 ? ", ..." : ""}` : "";
      configNote = `; note: this dataset's simulator config differs from the reference run's${keys}, so a small p-value may reflect the config change rather than a defect`;
    }
  } else {
    const mids = Object.fromEntries(
      EVENT_TYPES.map((t) => {
        const c = profile.checks.find((x) => x.metric === `event_share.${t}`)!;
        return [t, (c.min + c.max) / 2];
      }),
    );
    expected = normalise(mids);
    expectedFrom = `midpoints of the ${profile.name} event-share ranges, renormalised to 1 (${expectedSpec.source})`;
  }
  const observed = Object.fromEntries(EVENT_TYPES.map((t) => [t, facts.eventCounts[t] ?? 0]));
  const designEffects = Object.fromEntries(
    EVENT_TYPES.map((t) => [t, computed.designEffects[`event_share.${t}`] ?? 1]),
  );
  const chi = chiSquareGoodnessOfFit(observed, expected, { designEffects, referenceN });
  const pass = chi.pValue >= alpha;
  const stats = `X² = ${chi.statistic.toFixed(1)}, Rao-Scott corrected ${chi.corrected.toFixed(2)} (mean design effect ${chi.meanDesignEffect.toFixed(2)}${chi.referenceFactor > 1 ? `, reference noise x${chi.referenceFactor.toFixed(2)}` : ""}), df ${chi.df}, p = ${fmtP(chi.pValue)}`;
  return makeCheck({
    id: "distribution.event_mix",
    kind: "distribution",
    title: "event mix vs expected mix (chi-square)",
    severity,
    status: pass ? "pass" : "fail",
    value: chi.corrected,
    pValue: chi.pValue,
    source: expectedFrom,
    chiSquare: { ...chi, alpha, expected, observed, expectedFrom },
    message: pass
      ? `event mix vs expected mix: ${stats} >= alpha ${alpha}: consistent with the ${expectedFrom}${configNote}`
      : `event mix vs expected mix: ${stats} < alpha ${alpha}: the mix differs from the ${expectedFrom}; largest gaps: ${largestGaps(observed, expected)}${configNote}`,
  });
}

function deviceMixCheck(
  profile: ParsedProfile,
  facts: DatasetFacts,
  computed: ComputedMetrics,
): CheckResult | null {
  const spec = profile.distributions?.device_mix;
  if (spec?.enabled === false) return null;
  const alpha = spec?.alpha ?? DEFAULT_ALPHA;
  const severity = spec?.severity ?? "warning";
  const base = {
    id: "distribution.device_mix",
    kind: "distribution" as const,
    title: "device shares vs configured shares (chi-square)",
    severity,
    source: "manifest.config.devices.<device>.share, renormalised",
  };
  const expected = facts.configuredDeviceShares;
  if (!expected) {
    return makeCheck({
      ...base,
      status: "skipped",
      message:
        "device shares vs configured shares: not tested, the dataset has no manifest.json with config.devices (the configured shares are unknown)",
    });
  }
  const observed = Object.fromEntries(DEVICE_TYPES.map((d) => [d, facts.deviceCounts[d] ?? 0]));
  const designEffects = Object.fromEntries(
    DEVICE_TYPES.map((d) => [d, computed.designEffects[`device_share.${d}`] ?? 1]),
  );
  const chi = chiSquareGoodnessOfFit(observed, expected, { designEffects });
  const pass = chi.pValue >= alpha;
  const shares = DEVICE_TYPES.map(
    (d) =>
      `${d} ${fmtPct((observed[d] ?? 0) / Math.max(1, facts.sessions))} (configured ${fmtPct(expected[d]!)})`,
  ).join(", ");
  const stats = `X² = ${chi.statistic.toFixed(2)}, corrected ${chi.corrected.toFixed(2)} (mean design effect ${chi.meanDesignEffect.toFixed(2)}), df ${chi.df}, p = ${fmtP(chi.pValue)}`;
  return makeCheck({
    ...base,
    status: pass ? "pass" : "fail",
    value: chi.corrected,
    pValue: chi.pValue,
    chiSquare: { ...chi, alpha, expected, observed, expectedFrom: base.source },
    message: pass
      ? `device shares vs configured shares: ${shares}; ${stats} >= alpha ${alpha}`
      : `device shares vs configured shares: ${shares}; ${stats} < alpha ${alpha}: sessions do not follow the configured device mix`,
  });
}

export function distributionChecks(
  profile: ParsedProfile,
  input: DatasetInput,
  facts: DatasetFacts,
  computed: ComputedMetrics,
): CheckResult[] {
  return [eventMixCheck(profile, input, facts, computed), deviceMixCheck(profile, facts, computed)].filter(
    (c): c is CheckResult => c !== null,
  );
}
