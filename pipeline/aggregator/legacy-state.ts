// Version 1 partition state (every open segment's whole event list, closed counts apart), as written
// before the accumulator state: converted to version 2 with every event unfolded, so the usual checks of
// importState apply and the next drain folds what is before the watermark.
import type { ClickEvent } from "../events/index.ts";
import { badState, isObject } from "./accumulator-state.ts";
import type { BaseState, PartitionState } from "./types.ts";

/** One open segment in version 1: its row key, base id, number and events. */
export interface LegacySegmentState {
  key: string;
  base_session_id: string;
  segment: number;
  events: ClickEvent[];
}

export interface LegacyPartitionState {
  version: 1;
  partition: number;
  maxEventTimeMs: number | null;
  segments: LegacySegmentState[];
  closedCounts: { base_session_id: string; closed: number }[];
}

export function fromLegacyState(partition: number, input: unknown): PartitionState {
  const s = input as Partial<LegacyPartitionState>;
  if (!Array.isArray(s.segments) || !Array.isArray(s.closedCounts)) {
    throw badState(partition, "segments and closedCounts must be arrays");
  }
  const bases = new Map<string, BaseState>();
  const base = (id: string) => {
    let b = bases.get(id);
    if (b === undefined) {
      b = { base_session_id: id, closed: 0, segments: [] };
      bases.set(id, b);
    }
    return b;
  };
  for (const c of s.closedCounts) {
    if (
      !isObject(c) ||
      typeof c.base_session_id !== "string" ||
      !Number.isInteger(c.closed) ||
      c.closed < 0
    ) {
      throw badState(partition, `closed count ${JSON.stringify(c)} is not { base_session_id, closed >= 0 }`);
    }
    base(c.base_session_id).closed = c.closed;
  }
  for (const seg of s.segments) {
    if (!isObject(seg) || typeof seg.key !== "string" || typeof seg.base_session_id !== "string") {
      throw badState(
        partition,
        `a segment is not { key, base_session_id, segment, events }: ${JSON.stringify(seg)}`,
      );
    }
    if (!Array.isArray(seg.events) || seg.events.length === 0) {
      throw badState(partition, `segment ${seg.key} has no events`);
    }
    base(seg.base_session_id).segments.push({ segment: seg.segment, acc: null, tail: seg.events });
  }
  return {
    version: 2,
    partition,
    maxEventTimeMs: s.maxEventTimeMs ?? null,
    bases: [...bases.values()],
  };
}
