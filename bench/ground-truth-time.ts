// Prints the seconds the DuckDB ground truth takes over an events Parquet file (used by pipeline.bench.ts).
import { groundTruthSessions } from "../pipeline/ground-truth/index.ts";

const t0 = performance.now();
await groundTruthSessions({ parquet: process.argv[2]! });
console.log(((performance.now() - t0) / 1000).toFixed(3));
