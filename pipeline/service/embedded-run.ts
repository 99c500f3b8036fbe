// The whole streaming pipeline in one process: the simulation goes to the in-process partitioned log,
// N processors sessionize their partitions and commit to the store (PGlite, or the PostgreSQL server),
// the archive is compacted, and the store is checked against the ground truth. The same processors and
// sink as production (`runAggregator` on Kafka).
import type { Verification } from "../ground-truth/index.ts";
import { ArchiveWriter, PartitionProcessor, runStream } from "../runner/index.ts";
import { Simulation } from "../simulator/index.ts";
import { MemoryLog } from "../transport/index.ts";
import { fmtInt } from "./format.ts";
import {
  DEFAULT_TOPIC,
  EMBEDDED_RUN_DEFAULTS,
  type EmbeddedRunOptions,
  type ServiceHooks,
  withDefaults,
} from "./options.ts";
import { runPaths, startRunFolder } from "./run-files.ts";
import { collectRun, verifyRun } from "./run-outcome.ts";
import { openRunStore, withStore } from "./run-store.ts";
import { expectedEvents, simulationBatches } from "./simulation-source.ts";

export type EmbeddedRunInput = Partial<EmbeddedRunOptions> & Pick<EmbeddedRunOptions, "config">;

export interface EmbeddedRunResult {
  name: string;
  /** Events processed in this invocation (a resumed run counts only what came after the committed offsets). */
  events: number;
  /** Events already committed when a resumed run started. */
  resumedFrom: number;
  sessions: number;
  commits: number;
  deadLetters: number;
  archived: number;
  eventsParquet: string;
  elapsedS: number;
  /** null when the check was skipped (verify: false). */
  verification: Verification | null;
}

export async function runEmbedded(
  input: EmbeddedRunInput,
  hooks: ServiceHooks = {},
): Promise<EmbeddedRunResult> {
  const o = withDefaults<EmbeddedRunOptions>(EMBEDDED_RUN_DEFAULTS, input);
  const log = hooks.log ?? (() => {});
  const paths = runPaths(o.name);
  startRunFolder(
    paths,
    { name: o.name, config: o.config, partitions: o.partitions, store: o.store },
    o.resume,
  );
  log(
    `[run] ${o.resume ? "resuming" : "starting"} '${o.name}': seed ${o.config.seed}, ${o.partitions} partitions, ${o.workers} workers, store ${o.store}, clock ${o.clock}`,
  );
  return withStore(await openRunStore(o.store, o.name, !o.resume), async (store) => {
    const timeoutMs = Math.round(o.config.session_timeout_s * 1000);
    const archive = new ArchiveWriter(paths.archiveDir, `embedded-${process.pid}`);
    const processors = Array.from(
      { length: o.workers },
      () =>
        new PartitionProcessor({
          group: `embedded:${o.name}`,
          topic: DEFAULT_TOPIC,
          sink: store.sink,
          reader: store.reader,
          sessionizer: { timeoutMs },
          archive,
        }),
    );
    const sim = new Simulation(o.config, o.startTimeMs);
    const total = expectedEvents(o.config);
    const stream = await runStream({
      transport: new MemoryLog(),
      topic: DEFAULT_TOPIC,
      partitions: o.partitions,
      source: simulationBatches(sim, o.clock, o.speed),
      processors,
      flushEvents: o.flushEvents,
      flushMs: o.flushMs,
      onProgress: (p) =>
        hooks.onProgress?.(
          p.processed,
          total,
          `| ${fmtInt(p.commits)} commits, ${fmtInt(p.openSessions)} open sessions`,
        ),
      afterCommit: (n) => hooks.afterCommit?.(n),
    });
    const { archived, sessions } = await collectRun(store, paths);
    const resumedFrom = [...stream.startOffsets.values()].reduce((a, b) => a + b, 0);
    log(
      `[run] done: ${fmtInt(stream.processed)} events processed${o.resume ? ` (resumed after ${fmtInt(resumedFrom)} committed)` : ""}, ${fmtInt(sessions)} sessions in user_sessions, ` +
        `${fmtInt(stream.commits)} commits, ${fmtInt(stream.deadLetters)} dead letters, ${stream.elapsedS.toFixed(2)} s (${fmtInt(stream.processed / Math.max(stream.elapsedS, 1e-9))} events/s)`,
    );
    log(`[run] archive: ${fmtInt(archived)} events -> ${paths.eventsParquet}`);
    const verification = o.verify ? await verifyRun(store, paths, timeoutMs, log) : null;
    return {
      name: o.name,
      events: stream.processed,
      resumedFrom,
      sessions,
      commits: stream.commits,
      deadLetters: stream.deadLetters,
      archived,
      eventsParquet: paths.eventsParquet,
      elapsedS: stream.elapsedS,
      verification,
    };
  });
}
