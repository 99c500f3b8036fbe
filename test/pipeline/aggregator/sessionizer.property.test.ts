// Property tests of the streaming core over random event streams (fixed seeds).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type BaseState,
  type PartitionState,
  type PartitionStateChanges,
  Sessionizer,
  type SessionizerOptions,
} from "../../../pipeline/aggregator/index.ts";
import type { ClickEvent } from "../../../pipeline/events/index.ts";
import {
  bridgingGapArb,
  deliveryOrder,
  feed,
  gapArb,
  partitionOf,
  Sink,
  sortEvents,
  streamArb,
} from "./helpers.ts";

const CONFIGS: [string, SessionizerOptions, "mixed" | "bridging"][] = [
  ["defaults (timeout 60 s, lateness 5 s)", { timeoutMs: 60_000, allowedLatenessMs: 5_000 }, "mixed"],
  // Lateness beyond the timeout: late events create earlier segments (renumbering).
  ["lateness > timeout", { timeoutMs: 10_000, allowedLatenessMs: 30_000 }, "mixed"],
  // Gaps in (timeout/2, timeout] delivered out of order: late events bridge segments (merges, deletes).
  ["bridging gaps", { timeoutMs: 10_000, allowedLatenessMs: 30_000 }, "bridging"],
];
const RUNS = { numRuns: 150, seed: 20251020 };

const seedArb = fc.integer({ min: 0, max: 0x7fffffff });
const drainArb = fc.integer({ min: 1, max: 25 });

function run(options: SessionizerOptions, events: readonly ClickEvent[], drainEvery: number) {
  const sz = new Sessionizer(options);
  const sink = new Sink();
  const result = feed(sz, sink, events, drainEvery);
  sink.apply(sz.closeAll());
  return { sz, sink, ...result };
}

describe.each(CONFIGS)("sessionizer properties: %s", (_name, options, gaps) => {
  const streams = streamArb(
    options.timeoutMs,
    10,
    gaps === "bridging" ? bridgingGapArb(options.timeoutMs) : gapArb(options.timeoutMs),
  );

  it("in order and shuffled within the allowed lateness give the same final rows", () => {
    fc.assert(
      fc.property(streams, seedArb, drainArb, drainArb, (events, seed, d1, d2) => {
        const inOrder = run(options, sortEvents(events), d1);
        const shuffled = run(options, deliveryOrder(events, seed, options.allowedLatenessMs), d2);
        expect(inOrder.tooLate).toEqual([]);
        expect(shuffled.tooLate).toEqual([]);
        expect(shuffled.sink.sorted()).toEqual(inOrder.sink.sorted());
        const totals = (r: typeof inOrder) => r.sz.allCounters().reduce((n, c) => n + c.closedSessions, 0);
        expect(totals(shuffled)).toBe(inOrder.sink.rows.size);
        expect(shuffled.sz.allCounters().every((c) => c.openSessions === 0)).toBe(true);
      }),
      RUNS,
    );
  });

  it("duplicates never double count", () => {
    fc.assert(
      fc.property(
        streams,
        fc.array(fc.nat(), { minLength: 1, maxLength: 20 }),
        seedArb,
        drainArb,
        (events, dupPicks, seed, drainEvery) => {
          const copies = dupPicks.map((k) => structuredClone(events[k % events.length]!));
          const withDups = [...events, ...copies];
          const clean = run(options, deliveryOrder(events, seed, options.allowedLatenessMs), drainEvery);
          const dirty = run(options, deliveryOrder(withDups, seed, options.allowedLatenessMs), drainEvery);
          expect(dirty.tooLate).toEqual([]);
          expect(dirty.duplicates).toBe(copies.length);
          expect(dirty.sz.allCounters().reduce((n, c) => n + c.duplicates, 0)).toBe(copies.length);
          expect(dirty.sink.sorted()).toEqual(clean.sink.sorted());
          const total = (r: typeof clean) =>
            [...r.sink.rows.values()].reduce((n, row) => n + row.event_count, 0);
          expect(total(dirty)).toBe(events.length);
        },
      ),
      RUNS,
    );
  });

  it("export / import of the state at any point continues like an uninterrupted run", () => {
    fc.assert(
      fc.property(
        streams,
        seedArb,
        drainArb,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.boolean(),
        (events, seed, drainEvery, cutAt, incremental) => {
          const delivered = deliveryOrder(events, seed, options.allowedLatenessMs * 1.5);
          const whole = run(options, delivered, drainEvery);
          const cut = Math.floor(cutAt * delivered.length);

          const first = new Sessionizer(options);
          const sink = new Sink();
          // A store stand-in that persists only state changes after every drain.
          const stores = new Map<number, { bases: Map<string, BaseState>; max: number | null }>();
          const persist = (sz: Sessionizer) => {
            for (const p of sz.partitions()) {
              const c: PartitionStateChanges = JSON.parse(JSON.stringify(sz.exportStateChanges(p)));
              let st = stores.get(p);
              if (st === undefined) {
                st = { bases: new Map(), max: null };
                stores.set(p, st);
              }
              for (const b of c.bases) st.bases.set(b.base_session_id, b);
              st.max = c.maxEventTimeMs;
            }
          };
          const feedDrain = (sz: Sessionizer, list: readonly ClickEvent[]) => {
            list.forEach((e, i) => {
              sz.add(e, partitionOf(e));
              if ((i + 1) % drainEvery === 0) {
                sink.apply(sz.drain());
                persist(sz);
              }
            });
          };
          feedDrain(first, delivered.slice(0, cut));
          sink.apply(first.drain());
          persist(first);

          const second = new Sessionizer(options);
          for (const p of first.partitions()) {
            let state: PartitionState;
            if (incremental) {
              const st = stores.get(p)!;
              state = { version: 2, partition: p, maxEventTimeMs: st.max, bases: [...st.bases.values()] };
            } else {
              state = JSON.parse(JSON.stringify(first.exportPartitionState(p)));
            }
            second.importPartitionState(p, state);
          }
          feedDrain(second, delivered.slice(cut));
          sink.apply(second.closeAll());
          expect(sink.sorted()).toEqual(whole.sink.sorted());
        },
      ),
      RUNS,
    );
  });
});

describe("random stream generator", () => {
  it("exercises merges (deletes), renumbering and later segments", () => {
    const options = { timeoutMs: 10_000, allowedLatenessMs: 30_000 };
    const samples = fc.sample(fc.tuple(streamArb(10_000, 10, bridgingGapArb(10_000)), seedArb), {
      numRuns: 100,
      seed: 7,
    });
    let deletes = 0;
    let renumbered = 0;
    let laterSegments = 0;
    for (const [events, seed] of samples) {
      const sz = new Sessionizer(options);
      const starts = new Map<string, string>();
      for (const e of deliveryOrder(events, seed, options.allowedLatenessMs)) {
        sz.add(e, partitionOf(e));
        const changes = sz.drain();
        deletes += changes.deletes.length;
        for (const r of changes.upserts) {
          const before = starts.get(r.session_id);
          if (before !== undefined && before !== r.start_time) renumbered++;
          starts.set(r.session_id, r.start_time);
        }
      }
      sz.closeAll();
    }
    for (const events of fc.sample(streamArb(10_000), { numRuns: 100, seed: 7 })) {
      const sz = new Sessionizer(options);
      for (const e of events) sz.add(e, partitionOf(e));
      laterSegments += sz.closeAll().upserts.filter((r) => r.segment > 1).length;
    }
    expect(deletes).toBeGreaterThan(50);
    expect(renumbered).toBeGreaterThan(50);
    expect(laterSegments).toBeGreaterThan(50);
  });
});
