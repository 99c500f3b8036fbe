// The end every run mode shares: the archive compacted to events.parquet, the sessions counted, and the
// store's rows checked against the DuckDB ground truth of that archive.
import { describeVerification, type Verification, verifySessions } from "../ground-truth/index.ts";
import { compactArchive } from "../runner/index.ts";
import type { Store } from "../store/index.ts";
import type { RunPaths } from "./run-files.ts";

export interface RunTotals {
  /** Events in events.parquet (the archive, deduplicated). */
  archived: number;
  /** Rows in user_sessions. */
  sessions: number;
}

export async function collectRun(store: Store, paths: RunPaths): Promise<RunTotals> {
  const archived = await compactArchive(paths.archiveDir, paths.eventsParquet);
  const sessions = await store.reader.countSessions();
  return { archived, sessions };
}

/** Checks the store's sessions against the ground truth of the run's archive and logs the outcome. */
export async function verifyRun(
  store: Store,
  paths: RunPaths,
  timeoutMs: number,
  log: (line: string) => void,
): Promise<Verification> {
  const verification = await verifySessions({
    events: { parquet: paths.eventsParquet },
    actual: () => store.reader.readSessions(),
    timeoutMs,
  });
  log(`[run] ${describeVerification(verification)}`);
  return verification;
}
