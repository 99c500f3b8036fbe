// Defaults that several stages share. Each stage's options file uses these instead of its own copy.

/**
 * Inactivity timeout of a session: a gap between consecutive events (event time) longer than this starts a
 * new session. The phase-1 value; the simulator, the sessionizer, the ground truth, the dataset builder,
 * the live store and the validator all default to it.
 */
export const DEFAULT_SESSION_TIMEOUT_MS = 60_000;

/** The same timeout in seconds, for the options and files that are written in seconds. */
export const DEFAULT_SESSION_TIMEOUT_S = DEFAULT_SESSION_TIMEOUT_MS / 1000;
