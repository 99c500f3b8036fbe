// How a validation result is printed by validate and dataset: the summary (or the whole result as JSON)
// on stdout, a result that could not be computed explained on stderr.
import type { ValidationResult } from "../validation/index.ts";
import { formatSummary } from "../validation/index.ts";

export function printValidation(result: ValidationResult, json = false): void {
  if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else console.log(formatSummary(result));
  if (result.error)
    console.error(`cartstream validate: could not run: ${result.error.code}: ${result.error.message}`);
}
