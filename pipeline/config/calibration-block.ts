// A calibrated config file carries a `calibration` block: what `cartstream calibrate` achieved (profile,
// seeds, metric values). It records how the numbers were found; it is not behaviour, so every reader of a
// simulator config drops it before the strict schema sees the file.
export const CALIBRATION_KEY = "calibration";

/** The config file's contents without its calibration block (anything else is returned as it is). */
export function withoutCalibration(raw: unknown): unknown {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw) || !(CALIBRATION_KEY in raw)) return raw;
  const { [CALIBRATION_KEY]: _record, ...behaviour } = raw as Record<string, unknown>;
  return behaviour;
}
