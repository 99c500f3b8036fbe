// A session's cart: lines of products with quantities, the value in exact integer cents.
import type { Product } from "./catalog.ts";

export class Cart {
  private readonly lines = new Map<string, { product: Product; quantity: number }>();
  cents = 0;

  get size(): number {
    return this.lines.size;
  }

  has(productId: string): boolean {
    return this.lines.has(productId);
  }

  add(product: Product, quantity: number): void {
    const line = this.lines.get(product.product_id);
    if (line) line.quantity += quantity;
    else this.lines.set(product.product_id, { product, quantity });
    this.cents += product.priceCents * quantity;
  }

  /** Removes a whole line; returns the quantity removed. */
  remove(productId: string): number {
    const line = this.lines.get(productId)!;
    this.lines.delete(productId);
    this.cents -= line.product.priceCents * line.quantity;
    return line.quantity;
  }

  quantityOf(productId: string): number {
    return this.lines.get(productId)?.quantity ?? 0;
  }

  products(): Product[] {
    return [...this.lines.values()].map((l) => l.product);
  }

  clear(): void {
    this.lines.clear();
    this.cents = 0;
  }
}
