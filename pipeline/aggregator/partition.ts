// One partition's state in the core: the open base session ids, the closed counts of evicted ones, the
// expiry queue, the two output queues (rows, state), the watermark and the counters.
import type { BaseSession } from "./base-session.ts";
import { ChangeQueue, OUTPUTS } from "./change-tracking.ts";
import { ClosedCounts } from "./closed-counts.ts";
import { ExpiryQueue } from "./expiry-queue.ts";

export class Partition {
  readonly id: number;
  /** Largest event time seen (ms), -Infinity before the first event. */
  maxTime = Number.NEGATIVE_INFINITY;
  /** Open state per base session id: small and hot (one lookup per event). */
  readonly bases = new Map<string, BaseSession>();
  /** Closed counts of base ids with no open segment: large and cold (one lookup per new session). */
  readonly closedCounts = new ClosedCounts();
  readonly expiry = new ExpiryQueue<BaseSession>();
  /** Bases whose rows the next drain writes. */
  readonly rows = new ChangeQueue<BaseSession>(OUTPUTS.rows);
  /** Bases whose state the next exportStateChanges writes. */
  readonly state = new ChangeQueue<BaseSession>(OUTPUTS.state);
  accepted = 0;
  duplicates = 0;
  tooLate = 0;
  invalidTime = 0;
  closedSessions = 0;
  openSessions = 0;

  constructor(id: number) {
    this.id = id;
  }

  /** maxEventTimeMs as exported: null before the first event. */
  get maxEventTimeMs(): number | null {
    return this.maxTime === Number.NEGATIVE_INFINITY ? null : this.maxTime;
  }

  /** A base's events changed: both outputs write it again. */
  changed(base: BaseSession): void {
    this.rows.add(base);
    this.state.add(base);
  }
}
