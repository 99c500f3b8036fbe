export {
  DEFAULT_REDIS_URL,
  REDIS_HINT,
  REDIS_LIVE_DEFAULTS,
  type RedisLiveOptions,
  type ResolvedRedisLiveOptions,
  resolveRedisLiveOptions,
} from "./options.ts";
export { type ListOpenOptions, OPEN_SORTS, type OpenSort, RedisLiveStore } from "./redis-live.ts";
