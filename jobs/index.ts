// Public face of the jobs: work that spans stages (stream, build, validate), called by the CLI.
export {
  DATASET_JOB_DEFAULTS,
  type DatasetJobOptions,
  type DatasetJobResult,
  runDatasetJob,
} from "./dataset.ts";
export { type RunBackend, snapshotRun } from "./snapshot-run.ts";
