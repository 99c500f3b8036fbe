// Per-session facts computed straight from simulator events (an independent reading for the tests).
import type { ClickEvent } from "../../../pipeline/events/index.ts";

export interface SessionFacts {
  persona: string;
  device: string;
  outcome: string | undefined;
  /** page_view + product_view events. */
  pages: number;
  removals: number;
  purchased: boolean;
  /** Cart value left at the end, in cents (0 after a purchase empties it). */
  cartCents: number;
  durationMs: number;
  /** Every gap between consecutive events. */
  gapsMs: number[];
  /** Time on a page: the gap after each page_view or product_view. */
  dwellMs: number[];
  events: number;
}

export function sessionFacts(events: readonly ClickEvent[]): SessionFacts[] {
  const by = new Map<string, SessionFacts & { last: number; first: number; lastType: string }>();
  for (const e of events) {
    const t = Date.parse(e.event_time);
    let s = by.get(e.session_id);
    if (!s) {
      s = {
        persona: e.persona!,
        device: e.device_type,
        outcome: e.intended_outcome,
        pages: 0,
        removals: 0,
        purchased: false,
        cartCents: 0,
        durationMs: 0,
        gapsMs: [],
        dwellMs: [],
        events: 0,
        first: t,
        last: t,
        lastType: e.event_type,
      };
      by.set(e.session_id, s);
    } else {
      s.gapsMs.push(t - s.last);
      if (s.lastType === "page_view" || s.lastType === "product_view") s.dwellMs.push(t - s.last);
      s.last = t;
      s.lastType = e.event_type;
      s.durationMs = t - s.first;
    }
    s.events++;
    if (e.event_type === "page_view" || e.event_type === "product_view") s.pages++;
    if (e.event_type === "remove_from_cart") s.removals++;
    if (e.event_type === "add_to_cart" || e.event_type === "remove_from_cart") {
      s.cartCents = Math.round(e.cart_value! * 100);
    }
    if (e.event_type === "purchase") {
      s.purchased = true;
      s.cartCents = 0;
    }
  }
  return [...by.values()];
}

/** The value at quantile q (nearest rank from below). */
export function quantile(xs: readonly number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
