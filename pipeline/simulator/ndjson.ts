// A serializer for simulator events that writes keys in the same order as the event object and gives
// byte-identical output to JSON.stringify (tested), several times faster on the hot path.
import type { ClickEvent } from "../events/index.ts";

const SAFE = /^[A-Za-z0-9 _.:@~+-]*$/;
const str = (s: string) => (SAFE.test(s) ? `"${s}"` : JSON.stringify(s));

export function eventToNdjson(e: ClickEvent): string {
  let out = `{"event_id":${str(e.event_id)},"event_type":"${e.event_type}","event_time":"${e.event_time}","user_id":${str(e.user_id)},"session_id":${str(e.session_id)},"device_type":"${e.device_type}","browser":${str(e.browser)},"schema_version":${e.schema_version}`;
  if (e.product_id !== undefined) out += `,"product_id":${str(e.product_id)}`;
  if (e.category !== undefined) out += `,"category":${str(e.category)}`;
  if (e.price !== undefined) out += `,"price":${JSON.stringify(e.price)}`;
  if (e.quantity !== undefined) out += `,"quantity":${e.quantity}`;
  if (e.cart_value !== undefined) out += `,"cart_value":${JSON.stringify(e.cart_value)}`;
  if (e.search_query !== undefined) out += `,"search_query":${str(e.search_query)}`;
  if (e.order_id !== undefined) out += `,"order_id":${str(e.order_id)}`;
  if (e.order_value !== undefined) out += `,"order_value":${JSON.stringify(e.order_value)}`;
  if (e.abandonment_reason !== undefined) out += `,"abandonment_reason":"${e.abandonment_reason}"`;
  if (e.persona !== undefined) out += `,"persona":"${e.persona}"`;
  if (e.intended_outcome !== undefined) out += `,"intended_outcome":"${e.intended_outcome}"`;
  return `${out}}`;
}
