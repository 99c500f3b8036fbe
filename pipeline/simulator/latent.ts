// The latent population: who the users are. Each user has a persona (exact shares, shuffled), a purchase
// propensity ~ Beta around the persona's mean, a log-normal engagement and price sensitivity, preferred
// categories and an own device; each session draws an intent around the user's propensity. This is the
// ground truth behind the events: only the persona travels with them (as metadata), never as a feature.
import type { DeviceType, Persona } from "../events/index.ts";
import { DEVICE_TYPES, PERSONAS } from "../events/index.ts";
import type { Catalog } from "./catalog.ts";
import type { SimulatorConfig } from "./options.ts";
import type { Rng, WeightTable } from "./rng.ts";
import { createRng, deriveSeed, weightTable } from "./rng.ts";

export interface User {
  index: number;
  id: string;
  persona: Persona;
  /** Purchase propensity (0..1) and its logit, the centre of the user's session intents. */
  propensity: number;
  intentLogit: number;
  engagement: number;
  priceSensitivity: number;
  preferred: readonly string[];
  device: DeviceType;
  browser: string;
  /** Relative session rate (engagement ** arrivals.engagement_power). */
  weight: number;
}

export interface SessionLatent {
  /** Intent of this session on the logit scale: the user's, plus the session's own variation. */
  intent: number;
  deep: boolean;
  device: DeviceType;
  browser: string;
}

/** Stream labels: every user and every session draws from its own stream derived from the seed. */
export const STREAMS = { user: 1, session: 2, warm: 3, arrivals: 4 } as const;

/** Exact allocation of personas (largest remainder), then a seeded shuffle. */
function allocatePersonas(config: SimulatorConfig, rng: Rng): Persona[] {
  const total = PERSONAS.reduce((s, p) => s + config.personas[p].share, 0);
  const exact = PERSONAS.map((p) => (config.personas[p].share / total) * config.users);
  const counts = exact.map(Math.floor);
  let left = config.users - counts.reduce((a, b) => a + b, 0);
  const order = exact
    .map((e, i) => [e - Math.floor(e), i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left-- <= 0) break;
    counts[i]! += 1;
  }
  const users: Persona[] = [];
  PERSONAS.forEach((p, i) => {
    for (let k = 0; k < counts[i]!; k++) users.push(p);
  });
  for (let i = users.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [users[i], users[j]] = [users[j]!, users[i]!];
  }
  return users;
}

const logit = (p: number) => Math.log(p / (1 - p));

export class Population {
  readonly users: readonly User[];
  readonly totalWeight: number;
  private readonly cumulative: Float64Array;
  private readonly deviceTable: WeightTable<DeviceType>;
  private readonly browserTables: Record<DeviceType, WeightTable<string>>;
  private readonly loyalty: number;

  constructor(config: SimulatorConfig, catalog: Catalog) {
    const root = createRng(config.seed);
    this.loyalty = config.population.device_loyalty;
    this.deviceTable = weightTable(
      Object.fromEntries(DEVICE_TYPES.map((d) => [d, config.devices[d].share])) as Record<DeviceType, number>,
    );
    this.browserTables = Object.fromEntries(
      DEVICE_TYPES.map((d) => [d, weightTable(config.devices[d].browsers)]),
    ) as Record<DeviceType, WeightTable<string>>;
    const categoryTable = weightTable(
      Object.fromEntries(catalog.categories.map((c) => [c, config.catalog.categories[c]!.weight])),
    );
    const personas = allocatePersonas(config, root.fork("users"));
    const width = Math.max(4, String(config.users).length);
    const k = Math.min(config.population.preferred_categories, catalog.categories.length);
    const users: User[] = personas.map((persona, index) => {
      const pc = config.personas[persona];
      const rng = createRng(deriveSeed(config.seed, STREAMS.user, index));
      const propensity = Math.min(
        1 - 1e-6,
        Math.max(1e-6, rng.beta(pc.propensity.mean, pc.propensity.concentration)),
      );
      const engagement = rng.logNormal(pc.engagement.median, pc.engagement.sigma);
      const preferred: string[] = [];
      while (preferred.length < k) {
        const c = rng.weighted(categoryTable);
        if (!preferred.includes(c)) preferred.push(c);
      }
      return {
        index,
        id: `u${String(index + 1).padStart(width, "0")}`,
        persona,
        propensity,
        intentLogit: logit(propensity),
        engagement,
        priceSensitivity: rng.logNormal(pc.price_sensitivity.median, pc.price_sensitivity.sigma),
        preferred,
        device: "mobile",
        browser: "",
        weight: engagement ** config.arrivals.engagement_power,
      };
    });
    this.assignDevices(users, root.fork("devices"));
    this.users = users;
    this.cumulative = new Float64Array(users.length);
    let total = 0;
    users.forEach((u, i) => {
      total += u.weight;
      this.cumulative[i] = total;
    });
    this.totalWeight = total;
  }

  /**
   * Own devices spread evenly over the users ranked by session rate (a golden-ratio sequence through the
   * device shares): the sessions' device mix then follows the shares closely even though a few engaged
   * users make many of the sessions.
   */
  private assignDevices(users: User[], rng: Rng): void {
    const ranked = [...users].sort((a, b) => b.weight - a.weight || a.index - b.index);
    const offset = rng.next();
    const t = this.deviceTable;
    ranked.forEach((u, r) => {
      const x = ((offset + r * 0.6180339887498949) % 1) * t.total;
      let i = 0;
      while (i < t.keys.length - 1 && x >= t.cumulative[i]!) i++;
      u.device = t.keys[i]!;
      u.browser = rng.weighted(this.browserTables[u.device]);
    });
  }

  /** A user drawn in proportion to their session rate. */
  pickUser(rng: Rng): User {
    const x = rng.next() * this.totalWeight;
    const c = this.cumulative;
    let lo = 0;
    let hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (x < c[mid]!) hi = mid;
      else lo = mid + 1;
    }
    return this.users[lo]!;
  }

  /** The latent state of one session of `user`. */
  sessionLatent(user: User, config: SimulatorConfig, rng: Rng): SessionLatent {
    const pc = config.personas[user.persona];
    const intent = user.intentLogit + pc.intent_sigma * rng.normal();
    const deep = rng.chance(pc.deep_visit);
    if (rng.chance(this.loyalty)) return { intent, deep, device: user.device, browser: user.browser };
    const device = rng.weighted(this.deviceTable);
    return { intent, deep, device, browser: rng.weighted(this.browserTables[device]) };
  }
}
