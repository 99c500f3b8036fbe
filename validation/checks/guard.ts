// A check that throws is a failed check, never a skip and never a crash of the whole gate: the gate cannot
// tell a broken comparison from a broken dataset, so the run fails (exit 2) and the message names the error.
import { CartstreamError } from "../../pipeline/errors/index.ts";
import type { CheckKind, CheckResult } from "../types.ts";
import { makeCheck } from "./result.ts";

/** The check (or group of checks) a guarded function produces, as reported when it throws. */
export interface GuardedCheck {
  id: string;
  kind: CheckKind;
  title: string;
  source?: string | null;
}

function describeError(err: unknown): string {
  if (err instanceof CartstreamError) return `${err.code}: ${err.message}`;
  if (err instanceof Error) return err.message;
  return String(err);
}

/** The failed, error-severity check reporting that `check` threw `err`. */
export function thrownCheck(check: GuardedCheck, err: unknown): CheckResult {
  return makeCheck({
    id: check.id,
    kind: check.kind,
    title: check.title,
    severity: "error",
    status: "fail",
    source: check.source ?? null,
    message: `${check.title}: the check threw, so it failed: ${describeError(err)}`,
    details: { threw: true, error: describeError(err) },
  });
}

/** Runs one check; if it throws, the result is that check failed with the error in its message. */
export async function guardOne(
  check: GuardedCheck,
  run: () => CheckResult | Promise<CheckResult>,
): Promise<CheckResult> {
  try {
    return await run();
  } catch (err) {
    return thrownCheck(check, err);
  }
}

/** Runs a group of checks; if it throws, the group is one failed check (`check`) naming the error. */
export async function guardGroup(
  check: GuardedCheck,
  run: () => readonly CheckResult[] | Promise<readonly CheckResult[]>,
): Promise<CheckResult[]> {
  try {
    return [...(await run())];
  } catch (err) {
    return [thrownCheck(check, err)];
  }
}
