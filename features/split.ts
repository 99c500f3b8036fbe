// Stratified user split: which users go to test. Pure and deterministic (the seed enters through the order
// of the users, sql/300_split_candidates.sql), so the same input gives the same split on every machine.

export interface SplitCandidate {
  /** Sessions of the user. */
  sessions: number;
  /** Of those, sessions with the positive label (is_converted). */
  positives: number;
}

/**
 * Greedy error diffusion over users in the given order: each user goes to the side that keeps the test
 * set's positives and negatives closest to `testFraction` of the positives and negatives seen so far.
 * Walking the biggest users first (the SQL orders them so) leaves the many small users at the end to even
 * out the error, so both test size and test class balance end within about one small user of the target.
 * Returns one flag per user: true = test.
 */
export function assignTestUsers(users: readonly SplitCandidate[], testFraction: number): boolean[] {
  const out = new Array<boolean>(users.length);
  let seenPos = 0;
  let seenNeg = 0;
  let testPos = 0;
  let testNeg = 0;
  for (let i = 0; i < users.length; i++) {
    const u = users[i]!;
    const pos = u.positives;
    const neg = u.sessions - u.positives;
    seenPos += pos;
    seenNeg += neg;
    const targetPos = testFraction * seenPos;
    const targetNeg = testFraction * seenNeg;
    const errTest = (testPos + pos - targetPos) ** 2 + (testNeg + neg - targetNeg) ** 2;
    const errTrain = (testPos - targetPos) ** 2 + (testNeg - targetNeg) ** 2;
    // a tie goes to train: the first user of an empty split is never forced into test
    const test = errTest < errTrain;
    out[i] = test;
    if (test) {
      testPos += pos;
      testNeg += neg;
    }
  }
  return out;
}
