// An independent checker of SPEC section 2's sequencing rules, used as a test oracle for the simulator.
import type { ClickEvent } from "../../pipeline/events/index.ts";

/** Returns a description of every broken rule, per session_id, in event order. */
export function sequencingViolations(events: readonly ClickEvent[]): string[] {
  const bySession = new Map<string, ClickEvent[]>();
  for (const e of events) {
    const list = bySession.get(e.session_id) ?? [];
    list.push(e);
    bySession.set(e.session_id, list);
  }
  const problems: string[] = [];
  for (const [sid, list] of bySession) {
    const viewed = new Set<string>();
    const cart = new Map<string, number>();
    let checkoutOpen = false;
    let ended = false;
    list.forEach((e, i) => {
      const bad = (rule: string) => problems.push(`${sid} #${i} ${e.event_type}: ${rule}`);
      if (ended) bad("event after session_end");
      if (i === 0 && e.event_type !== "session_start") bad("first event is not session_start");
      if (i > 0 && e.event_type === "session_start") bad("session_start not first");
      switch (e.event_type) {
        case "product_view":
          viewed.add(e.product_id!);
          break;
        case "add_to_cart":
          if (!viewed.has(e.product_id!)) bad("add_to_cart of a product not viewed");
          cart.set(e.product_id!, (cart.get(e.product_id!) ?? 0) + e.quantity!);
          break;
        case "remove_from_cart":
          if ((cart.get(e.product_id!) ?? 0) <= 0) bad("remove_from_cart of a product not in the cart");
          else cart.set(e.product_id!, cart.get(e.product_id!)! - e.quantity!);
          break;
        case "checkout_initiated":
          if ([...cart.values()].every((q) => q <= 0)) bad("checkout with an empty cart");
          checkoutOpen = true;
          break;
        case "purchase":
          if (!checkoutOpen) bad("purchase without checkout_initiated");
          checkoutOpen = false;
          cart.clear();
          break;
        case "session_end":
          ended = true;
          break;
        default:
          break;
      }
    });
  }
  return problems;
}
