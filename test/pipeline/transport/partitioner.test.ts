import { randomBytes } from "node:crypto";
import { Partitioners } from "kafkajs";
import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "../../../pipeline/errors/index.ts";
import { murmur2, partitionForKey, toPositive } from "../../../pipeline/transport/index.ts";

// kafkajs's DefaultPartitioner (public API; the Java client's murmur2) is the reference implementation.
function kafkajsPartitioner(n: number): (key: string) => number {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: n }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    replicas: [0],
    isr: [0],
    partitionErrorCode: 0,
    offlineReplicas: [],
  }));
  return (key) => partitioner({ topic: "t", partitionMetadata, message: { key, value: "v" } });
}

/** Deterministic keys: user ids, empty, every tail length, multi-byte UTF-8 and lone surrogates. */
function keys(count: number): string[] {
  let state = 0x2545f491;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789_-éß€😀\ud800 ";
  const out = ["", "a", "ab", "abc", "abcd", "user_000001", "😀", "\ud800"];
  while (out.length < count) {
    const kind = next() % 3;
    if (kind === 0) out.push(`user_${String(next() % 1_000_000).padStart(6, "0")}`);
    else if (kind === 1) out.push(randomBytes(next() % 24).toString("base64url"));
    else {
      const len = next() % 40;
      let s = "";
      for (let i = 0; i < len; i++) s += [...alphabet][next() % [...alphabet].length];
      out.push(s);
    }
  }
  return out;
}

describe("partitioner", () => {
  const sample = keys(10_000);

  it("toPositive(murmur2) equals kafkajs's for 10,000 keys", () => {
    // Agreeing modulo the primes 1291, 1297 and 1301 (product above 2^31) pins a value in [0, 2^31).
    const moduli = [1_291, 1_297, 1_301];
    expect(moduli.reduce((a, b) => a * b, 1)).toBeGreaterThan(2 ** 31);
    const partitioners = moduli.map(kafkajsPartitioner);
    const mismatches = sample.filter((k) => {
      const h = toPositive(murmur2(Buffer.from(k, "utf8")));
      return moduli.some((n, i) => h % n !== partitioners[i]!(k));
    });
    expect(mismatches).toEqual([]);
  });

  it("partitionForKey equals kafkajs's DefaultPartitioner for several partition counts", () => {
    for (const n of [1, 2, 3, 4, 6, 12, 100]) {
      const kafkajs = kafkajsPartitioner(n);
      for (const key of sample) {
        const expected = kafkajs(key);
        const actual = partitionForKey(key, n);
        if (actual !== expected) expect({ key, n, actual }).toEqual({ key, n, actual: expected });
      }
    }
  });

  it("matches known Java client values", () => {
    // Values from org.apache.kafka.common.utils.UtilsTest#testMurmur2.
    const cases: [string, number][] = [
      ["21", -973932308],
      ["foobar", -790332482],
      ["a-little-bit-long-string", -985981536],
      ["a-little-bit-longer-string", -1486304829],
      ["lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971],
    ];
    for (const [key, hash] of cases) expect(murmur2(Buffer.from(key, "utf8"))).toBe(hash);
    expect(toPositive(-1)).toBe(0x7fffffff);
  });

  it("rejects a non-positive partition count", () => {
    expect(() => partitionForKey("u", 0)).toThrow(
      expect.objectContaining({
        code: ERROR_CODES.BAD_INPUT,
        message: expect.stringMatching(/numPartitions must be a positive integer, got 0/),
      }),
    );
  });
});
