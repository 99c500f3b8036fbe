// The greedy stratified user split (pure): balance, size and determinism as properties.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assignTestUsers, type SplitCandidate } from "../../features/index.ts";

function totals(users: readonly SplitCandidate[], test: boolean[]) {
  let n = 0;
  let p = 0;
  let tn = 0;
  let tp = 0;
  users.forEach((u, i) => {
    n += u.sessions;
    p += u.positives;
    if (test[i]) {
      tn += u.sessions;
      tp += u.positives;
    }
  });
  return { n, p, tn, tp };
}

const user = fc
  .integer({ min: 1, max: 12 })
  .chain((sessions) =>
    fc.record({ sessions: fc.constant(sessions), positives: fc.integer({ min: 0, max: sessions }) }),
  );

describe("assignTestUsers", () => {
  it("an empty list and a single user (ties go to train)", () => {
    expect(assignTestUsers([], 0.2)).toEqual([]);
    expect(assignTestUsers([{ sessions: 3, positives: 1 }], 0.2)).toEqual([false]);
  });

  it("keeps test positives and negatives within one largest user of the target (biggest first)", () => {
    fc.assert(
      fc.property(
        fc.array(user, { minLength: 50, maxLength: 400 }),
        fc.double({ min: 0.1, max: 0.5, noNaN: true }),
        (raw, f) => {
          const users = [...raw].sort((a, b) => b.sessions - a.sessions || b.positives - a.positives);
          const test = assignTestUsers(users, f);
          const t = totals(users, test);
          const maxSessions = users[0]!.sessions;
          expect(Math.abs(t.tp - f * t.p)).toBeLessThanOrEqual(maxSessions);
          expect(Math.abs(t.tn - t.tp - f * (t.n - t.p))).toBeLessThanOrEqual(maxSessions);
        },
      ),
    );
  });

  it("balances the positive rate within 1 point on a realistic population", () => {
    // 2,000 users with 1-8 sessions, ~16% positive, from a fixed LCG
    let x = 12345;
    const rnd = () => {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      return x / 2 ** 31;
    };
    const users: SplitCandidate[] = Array.from({ length: 2000 }, () => {
      const sessions = 1 + Math.floor(rnd() * 8);
      let positives = 0;
      for (let i = 0; i < sessions; i++) if (rnd() < 0.16) positives++;
      return { sessions, positives };
    }).sort((a, b) => b.sessions - a.sessions || b.positives - a.positives);
    const test = assignTestUsers(users, 0.2);
    const t = totals(users, test);
    const testRate = t.tp / t.tn;
    const trainRate = (t.p - t.tp) / (t.n - t.tn);
    expect(Math.abs(testRate - trainRate)).toBeLessThan(0.01);
    expect(t.tn / t.n).toBeCloseTo(0.2, 2);
    expect(assignTestUsers(users, 0.2)).toEqual(test);
  });
});
