// cartstream live: the open sessions an aggregator keeps in Redis, carts at risk first.
import { OPEN_SORTS, RedisLiveStore } from "../../pipeline/live/index.ts";
import type { CommandSpec } from "../args.ts";
import { choiceFlag, helpText, intFlag, parseFlags } from "../args.ts";

export const spec: CommandSpec = {
  name: "live",
  summary: "list open sessions from Redis ($REDIS_URL), carts at risk first",
  usage: "cartstream live [--limit N] [--sort cart_value|last_activity] [--json]",
  flags: {
    limit: { type: "string", arg: "N", help: "sessions to list", default: "20" },
    sort: {
      type: "string",
      arg: OPEN_SORTS.join("|"),
      help: "order: highest cart value first, or most recent activity",
      default: "cart_value",
    },
    json: { type: "boolean", help: "one JSON object per line instead of a table" },
  },
};

export async function run(argv: string[]): Promise<number> {
  const { flags, help } = parseFlags(spec, argv);
  if (help) {
    console.log(helpText(spec));
    return 0;
  }
  const limit = intFlag(flags, "limit", 1, 100_000) ?? 20;
  const sort = choiceFlag(flags, "sort", OPEN_SORTS) ?? "cart_value";
  const live = await RedisLiveStore.connect({});
  try {
    const rows = await live.listOpen({ limit, sort });
    const total = await live.countOpen();
    if (flags.json === true) {
      for (const r of rows) console.log(JSON.stringify(r));
      return 0;
    }
    console.log(
      `${total} open sessions in Redis; showing ${rows.length}, ${sort === "cart_value" ? "carts at risk first" : "most recent first"}`,
    );
    console.log(
      [
        "session_id".padEnd(16),
        "user_id".padEnd(8),
        "device".padEnd(8),
        "cart_value".padStart(10),
        "views".padStart(5),
        "adds".padStart(4),
        "last_activity".padEnd(24),
      ].join("  "),
    );
    for (const r of rows) {
      console.log(
        [
          r.session_id.padEnd(16),
          r.user_id.padEnd(8),
          r.device_type.padEnd(8),
          r.cart_value.toFixed(2).padStart(10),
          String(r.page_views + r.products_viewed).padStart(5),
          String(r.cart_additions).padStart(4),
          r.last_activity.padEnd(24),
        ].join("  "),
      );
    }
    return 0;
  } finally {
    await live.close();
  }
}
