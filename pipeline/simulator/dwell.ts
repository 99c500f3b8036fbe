// Dwell times: the gap before the next event is min + log-normal for the page (or action) the user is on,
// redrawn while it lies above the cap, so the cap (below the session timeout) is never crossed and the
// inactivity gap never splits a session by accident. Log-normal is the usual fit for time on page:
// right-skewed, mean above median.
import type { DwellKind, SimulatorConfig } from "./options.ts";
import { DWELL_KINDS } from "./options.ts";
import type { Rng } from "./rng.ts";

interface DwellShape {
  minMs: number;
  medianMs: number;
  sigma: number;
}

export class DwellSampler {
  private readonly shapes: Record<DwellKind, DwellShape>;
  private readonly capMs: number;

  constructor(config: SimulatorConfig["dwell"]) {
    this.capMs = Math.round(config.max_s * 1000);
    this.shapes = Object.fromEntries(
      DWELL_KINDS.map((k) => {
        const d = config.by_kind[k];
        return [k, { minMs: d.min_s * 1000, medianMs: d.median_s * 1000, sigma: d.sigma }];
      }),
    ) as Record<DwellKind, DwellShape>;
  }

  /** A gap in whole milliseconds, at least 1 and at most the cap. */
  sample(kind: DwellKind, rng: Rng): number {
    const d = this.shapes[kind];
    for (let tries = 0; tries < 64; tries++) {
      const ms = Math.round(d.minMs + rng.logNormal(d.medianMs, d.sigma));
      if (ms <= this.capMs) return Math.max(1, ms);
    }
    // Only reachable when nearly all the mass lies above the cap: fall back to a uniform draw below it.
    return Math.max(1, Math.round(d.minMs + rng.next() * (this.capMs - d.minMs)));
  }
}
