// What a run reports about itself: counts per type, persona, outcome and device, the realized rate over the
// window and in its first and last tenth, and concurrency.
import type { DeviceType, EventType, IntendedOutcome, Persona } from "../events/index.ts";
import { DEVICE_TYPES, EVENT_TYPES, INTENDED_OUTCOMES, PERSONAS } from "../events/index.ts";
import type { User } from "./latent.ts";
import type { SimulatorConfig } from "./options.ts";
import type { SessionStats } from "./warm-start.ts";

export interface SimulationSummary {
  seed: number;
  /** Every event, including the drain after the window. */
  events: number;
  eventsByType: Record<EventType, number>;
  sessions: number;
  sessionsByPersona: Record<Persona, number>;
  /** The outcome each session's walk reached (purchase, abandon: cart left with items, browse). */
  sessionsByOutcome: Record<IntendedOutcome, number>;
  sessionsByDevice: Record<DeviceType, number>;
  usersByPersona: Record<Persona, number>;
  /** Sessions already in progress at time zero (warm start). */
  warmSessions: number;
  /** Sessions the simulator split on purpose (idle longer than the timeout, same session_id). */
  intendedSplits: number;
  /** Events with an event time inside the window. */
  eventsInWindow: number;
  eventsFirstTenth: number;
  eventsLastTenth: number;
  /** Events per second inside the window, and in its first and last tenth. */
  realizedRate: number;
  firstTenthRate: number;
  lastTenthRate: number;
  targetRate: number;
  durationS: number;
  /** Mean events and duration per session in the config's session pool (what the session rate uses). */
  meanEventsPerSession: number;
  meanSessionDurationS: number;
  /** Event time of the last event minus the first, in seconds (includes the drain after the window). */
  spanS: number;
  firstEventTime: string | null;
  lastEventTime: string | null;
  peakOpenSessions: number;
  /** The largest number of sessions any one user had open at once (tabs/devices). */
  maxOpenSessionsPerUser: number;
  /** Events dropped by end=cut because they fell after the window. */
  eventsCut: number;
}

const zero = <K extends string>(keys: readonly K[]) =>
  Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

export function emptySummary(
  config: SimulatorConfig,
  users: readonly User[],
  stats: SessionStats,
): SimulationSummary {
  const usersByPersona = zero(PERSONAS);
  for (const u of users) usersByPersona[u.persona]++;
  return {
    seed: config.seed,
    events: 0,
    eventsByType: zero(EVENT_TYPES),
    sessions: 0,
    sessionsByPersona: zero(PERSONAS),
    sessionsByOutcome: zero(INTENDED_OUTCOMES),
    sessionsByDevice: zero(DEVICE_TYPES),
    usersByPersona,
    warmSessions: 0,
    intendedSplits: 0,
    eventsInWindow: 0,
    eventsFirstTenth: 0,
    eventsLastTenth: 0,
    realizedRate: 0,
    firstTenthRate: 0,
    lastTenthRate: 0,
    targetRate: config.rate,
    durationS: config.duration_s,
    meanEventsPerSession: stats.meanEvents,
    meanSessionDurationS: stats.meanDurationMs / 1000,
    spanS: 0,
    firstEventTime: null,
    lastEventTime: null,
    peakOpenSessions: 0,
    maxOpenSessionsPerUser: 0,
    eventsCut: 0,
  };
}
