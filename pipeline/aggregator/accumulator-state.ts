// The checks on persisted accumulator state before the core trusts it: a SessionAccumulator's JSON form
// (session-metrics.ts) with every field of the right type. Anything else is a CS_BAD_STATE error.
import { CartstreamError, ERROR_CODES } from "../errors/index.ts";
import type { SequenceState } from "./sequencing.ts";
import { type AccumulatorState, SessionAccumulator } from "./session-metrics.ts";

export function badState(partition: number, what: string): CartstreamError {
  return new CartstreamError(
    ERROR_CODES.BAD_STATE,
    `partition ${partition}: cannot import sessionizer state: ${what}; expected the output of exportPartitionState() (or the persisted state changes) of the same sessionizer options; reload the partition from its committed state or rebuild it from the raw events`,
  );
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const count = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
const stringOrNull = (v: unknown) => v === null || typeof v === "string";
const idOrNull = (v: unknown) => v === null || typeof v === "string";

function sequenceOk(s: unknown): s is SequenceState {
  if (!isObject(s)) return false;
  const { viewed, cart } = s;
  return (
    count(s.violations) &&
    count(s.position) &&
    Number.isFinite(s.cartTotal) &&
    typeof s.checkout === "boolean" &&
    typeof s.ended === "boolean" &&
    (viewed === null || (Array.isArray(viewed) && viewed.every(idOrNull))) &&
    (cart === null ||
      (Array.isArray(cart) &&
        cart.every((c) => Array.isArray(c) && c.length === 2 && idOrNull(c[0]) && Number.isFinite(c[1]))))
  );
}

/** A SessionAccumulator from its JSON form, every field checked. */
export function accumulatorFromState(partition: number, key: string, s: unknown): SessionAccumulator {
  const ok =
    isObject(s) &&
    count(s.count) &&
    (s.count as number) > 0 &&
    typeof s.user === "string" &&
    typeof s.first === "string" &&
    typeof s.last === "string" &&
    [s.device, s.browser, s.persona, s.intended, s.abandonment, s.endTime].every(stringOrNull) &&
    Array.isArray(s.counts) &&
    s.counts.length === 7 &&
    s.counts.every(count) &&
    Number.isSafeInteger(s.purchaseCents) &&
    (s.cartValue === null || Number.isFinite(s.cartValue)) &&
    sequenceOk(s.sequence) &&
    Array.isArray(s.violations) &&
    s.violations.every((v) => isObject(v) && isObject(v.event) && count(v.bits));
  if (!ok) {
    throw badState(
      partition,
      `segment ${key}: acc is not an accumulator { count > 0, user, first, last, counts[7], sequence, ... }`,
    );
  }
  return SessionAccumulator.fromState(s as unknown as AccumulatorState);
}
