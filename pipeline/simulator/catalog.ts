// Product catalog generated from the seed: products spread over the configured categories,
// prices uniform on a log scale inside each category's range (many cheap items, few expensive ones).

import type { SimulatorConfig } from "./options.ts";
import type { Rng } from "./rng.ts";
import { weightTable } from "./rng.ts";

export interface Product {
  product_id: string;
  category: string;
  /** Price in cents (exact integer arithmetic for cart values). */
  priceCents: number;
}

export interface Catalog {
  products: readonly Product[];
  byCategory: ReadonlyMap<string, readonly Product[]>;
  categories: readonly string[];
}

export function buildCatalog(config: SimulatorConfig["catalog"], rng: Rng): Catalog {
  const table = weightTable(
    Object.fromEntries(Object.entries(config.categories).map(([k, v]) => [k, v.weight])),
  );
  const width = String(config.products).length;
  const products: Product[] = [];
  const byCategory = new Map<string, Product[]>();
  for (const name of Object.keys(config.categories)) byCategory.set(name, []);
  for (let i = 0; i < config.products; i++) {
    const category = rng.weighted(table);
    const { min, max } = config.categories[category]!.price;
    const price = Math.exp(Math.log(min) + rng.next() * (Math.log(max) - Math.log(min)));
    // Retail-looking prices: whole units ending in .99 above 10, cents below.
    const priceCents = price >= 10 ? Math.floor(price) * 100 + 99 : Math.max(1, Math.round(price * 100));
    const product = { product_id: `p${String(i + 1).padStart(width, "0")}`, category, priceCents };
    products.push(product);
    byCategory.get(category)!.push(product);
  }
  // A category the weights never picked still needs one product so searches in it can lead somewhere.
  for (const [name, list] of byCategory) if (list.length === 0) byCategory.delete(name);
  return { products, byCategory, categories: [...byCategory.keys()] };
}

/** Popularity skew: low indexes are picked more often (roughly Zipf-like). */
export function pickProduct(rng: Rng, list: readonly Product[]): Product {
  const r = rng.next();
  return list[Math.floor(list.length * r * r)]!;
}

const SEARCH_TERMS = ["best", "cheap", "new", "sale", "gift", "premium", "top rated", "deals"] as const;

export function searchQuery(rng: Rng, category: string): string {
  return `${rng.pick(SEARCH_TERMS)} ${category.replaceAll("_", " ")}`;
}
