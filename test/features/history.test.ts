// Point-in-time user history on a crafted fixture: one user with overlapping sessions, a session closed by
// timeout, equal start times and a start at the exact end of an earlier session.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDataset } from "../../features/index.ts";
import type { ClickEvent } from "../../pipeline/events/index.ts";
import { type EventSpec, loadFixture, openDb, rows, sessionEvents, tempDir } from "./helpers.ts";

const P1 = { id: "p1", category: "shoes", price: 10 };
const P2 = { id: "p2", category: "bags", price: 20 };

// Times in seconds after 12:00:00. Timeout 60 s; gaps inside a session stay <= 60 s.
const A: EventSpec[] = [
  // purchase, explicit end at 130 -> known over at 130
  { id: "A-01", type: "session_start", t: 0 },
  { id: "A-02", type: "product_view", t: 20, product: P1 },
  { id: "A-03", type: "add_to_cart", t: 40, product: P1, quantity: 1, cart: 10 },
  { id: "A-04", type: "checkout_initiated", t: 80, cart: 10 },
  { id: "A-05", type: "purchase", t: 120, cart: 10, order: 10 },
  { id: "A-06", type: "session_end", t: 130 },
];
const B: EventSpec[] = [
  // starts while A is open; abandons a cart; closed by timeout: last activity 400 -> known over at 460
  { id: "B-01", type: "session_start", t: 60 },
  { id: "B-02", type: "product_view", t: 70, product: P2 },
  { id: "B-03", type: "add_to_cart", t: 90, product: P2, quantity: 1, cart: 20 },
  ...[150, 210, 270, 330, 390, 400].map((t, i) => ({ id: `B-1${i}`, type: "page_view" as const, t })),
];
const C: EventSpec[] = [
  // starts after A ended, while B is open; browse only, ends at 250
  { id: "C-01", type: "session_start", t: 200 },
  { id: "C-02", type: "page_view", t: 230 },
  { id: "C-03", type: "session_end", t: 250 },
];
const D: EventSpec[] = [
  // starts after B's last activity (400) but before B is known to be over (460); ends at 480
  { id: "D-01", type: "session_start", t: 430 },
  { id: "D-02", type: "page_view", t: 470 },
  { id: "D-03", type: "session_end", t: 480 },
];
const G: EventSpec[] = [
  // starts exactly when D ends (480): D is not "over before" G
  { id: "G-01", type: "session_start", t: 480 },
  { id: "G-02", type: "session_end", t: 485 },
];
const E: EventSpec[] = [
  // starts at 500 together with F: neither sees the other
  { id: "E-01", type: "session_start", t: 500 },
  { id: "E-02", type: "session_end", t: 510 },
];
const F: EventSpec[] = [
  { id: "F-01", type: "session_start", t: 500 },
  { id: "F-02", type: "session_end", t: 505 },
];
// another user buying meanwhile: never counted for u1
const V: EventSpec[] = [
  { id: "V-01", type: "session_start", t: 10 },
  { id: "V-02", type: "product_view", t: 20, product: P1 },
  { id: "V-03", type: "add_to_cart", t: 30, product: P1, quantity: 3, cart: 30 },
  { id: "V-04", type: "checkout_initiated", t: 40, cart: 30 },
  { id: "V-05", type: "purchase", t: 50, cart: 30, order: 30 },
  { id: "V-06", type: "session_end", t: 60 },
];

const EVENTS: ClickEvent[] = [
  ...sessionEvents("u1", "A", A),
  ...sessionEvents("u1", "B", B),
  ...sessionEvents("u1", "C", C),
  ...sessionEvents("u1", "D", D),
  ...sessionEvents("u1", "G", G),
  ...sessionEvents("u1", "E", E),
  ...sessionEvents("u1", "F", F),
  ...sessionEvents("u2", "V", V),
];

const HISTORY_COLS = [
  "session_id",
  "prior_sessions",
  "prior_closed_sessions",
  "open_sessions_at_start",
  "prior_converted_sessions",
  "prior_purchases",
  "prior_purchase_value",
  "prior_abandoned_carts",
  "seconds_since_last_session_end",
];

type Db = Awaited<ReturnType<typeof openDb>>;
let db: Db;
const tmp = tempDir("history");

async function history(timeoutMs?: number): Promise<Record<string, unknown>[]> {
  await buildDataset(db.con, {
    outDir: tmp.dir,
    name: "history",
    seed: 1,
    keepIntermediate: true,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
  return rows(db.con, `SELECT ${HISTORY_COLS.join(", ")} FROM dataset ORDER BY start_time, session_id`);
}

beforeAll(async () => {
  db = await openDb();
  await loadFixture(db.con, EVENTS);
});

afterAll(() => {
  db.close();
  tmp.cleanup();
});

const h = (
  session_id: string,
  prior: number,
  closed: number,
  open: number,
  converted: number,
  purchases: number,
  value: number,
  abandoned: number,
  sinceEnd: number | null,
) => ({
  session_id,
  prior_sessions: prior,
  prior_closed_sessions: closed,
  open_sessions_at_start: open,
  prior_converted_sessions: converted,
  prior_purchases: purchases,
  prior_purchase_value: value,
  prior_abandoned_carts: abandoned,
  seconds_since_last_session_end: sinceEnd,
});

describe("point-in-time user history", () => {
  it("the fixture's sessions are what the test assumes", async () => {
    const s = await rows(
      db.con,
      "SELECT session_id, ended_by, is_converted, cart_value, strftime(end_time, '%H:%M:%S') AS end_at FROM sessions ORDER BY session_id",
    );
    expect(s).toEqual([
      { session_id: "A", ended_by: "session_end", is_converted: true, cart_value: 10, end_at: "12:02:10" },
      { session_id: "B", ended_by: "timeout", is_converted: false, cart_value: 20, end_at: "12:06:40" },
      { session_id: "C", ended_by: "session_end", is_converted: false, cart_value: 0, end_at: "12:04:10" },
      { session_id: "D", ended_by: "session_end", is_converted: false, cart_value: 0, end_at: "12:08:00" },
      { session_id: "E", ended_by: "session_end", is_converted: false, cart_value: 0, end_at: "12:08:30" },
      { session_id: "F", ended_by: "session_end", is_converted: false, cart_value: 0, end_at: "12:08:25" },
      { session_id: "G", ended_by: "session_end", is_converted: false, cart_value: 0, end_at: "12:08:05" },
      { session_id: "V", ended_by: "session_end", is_converted: true, cart_value: 30, end_at: "12:01:00" },
    ]);
  });

  it("uses only sessions started before, and outcomes only of sessions known to be over before (timeout 60 s)", async () => {
    expect(await history()).toEqual([
      // first session: nothing before
      h("A", 0, 0, 0, 0, 0, 0, 0, null),
      // another user's session: u1's sessions never count
      h("V", 0, 0, 0, 0, 0, 0, 0, null),
      // B starts while A is open: A counts as a prior session, but its purchase (at 120) does not
      h("B", 1, 0, 1, 0, 0, 0, 0, null),
      // C: A is over (130 < 200) -> its purchase counts; B still open
      h("C", 2, 1, 1, 1, 1, 10, 0, 70),
      // D at 430: B's last event was at 400 but B is known over only at 460 -> not closed yet
      h("D", 3, 2, 1, 1, 1, 10, 0, 180),
      // G at 480 = D's end: D is not over strictly before G; B is (460 < 480)
      h("G", 4, 3, 1, 1, 1, 10, 1, 80),
      // E and F start together at 500: each sees A, B, C, D, G but not the other
      h("E", 5, 5, 0, 1, 1, 10, 1, 15),
      h("F", 5, 5, 0, 1, 1, 10, 1, 15),
    ]);
  });

  it("timeoutMs 0 takes a timeout session's end_time as the moment it is over", async () => {
    const byId = Object.fromEntries((await history(0)).map((r) => [r.session_id, r]));
    // D at 430 now sees B (end 400) as over: its abandoned cart and its end count
    expect(byId.D).toEqual(h("D", 3, 3, 0, 1, 1, 10, 1, 30));
    expect(byId.C).toEqual(h("C", 2, 1, 1, 1, 1, 10, 0, 70));
  });

  it("history features never see a later session: shuffling the input order changes nothing", async () => {
    const expected = await history();
    const shuffled = [...EVENTS].reverse();
    await loadFixture(db.con, shuffled);
    expect(await history()).toEqual(expected);
    await loadFixture(db.con, EVENTS);
  });
});
