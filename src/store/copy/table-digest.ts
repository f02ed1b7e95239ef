import { createHash } from "node:crypto";

const MODULUS = 1n << 256n;

/**
 * An order-free digest of a table's rows: the sum of each row's SHA-256 modulo 2^256. Two databases
 * sort text differently, so rows are never compared by position; equal digests and counts mean equal
 * rows, value by value.
 */
export class TableDigest {
  rows = 0;
  #sum = 0n;

  add(values: readonly (string | null)[]): void {
    const hash = createHash("sha256");
    for (const value of values) hash.update(value === null ? "\u0000N" : `\u0001${value}`).update("\u0002");
    this.#sum = (this.#sum + BigInt(`0x${hash.digest("hex")}`)) % MODULUS;
    this.rows++;
  }

  get value(): string {
    return this.#sum.toString(16).padStart(64, "0");
  }
}
