// Public face of the runner: joins a transport, the sessionizer core and a store.
export { ArchiveWriter, compactArchive } from "./archive.ts";
export {
  type FlushResult,
  type LivePublisher,
  PartitionProcessor,
  type ProcessorObserver,
  type ProcessorOptions,
} from "./processor.ts";
export {
  runStream,
  type StreamProgress,
  type StreamRunOptions,
  type StreamRunResult,
} from "./stream-runner.ts";
