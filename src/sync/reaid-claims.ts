import { randomBytes } from "node:crypto";

/**
 * The REAIDs one sync run has seen on a profile or promised to one, so that a REAID goes to one
 * profile only even when profiles sharing an e-mail sit on different pages.
 *
 * A full run over a million profiles remembers a million REAIDs, so this is an open-addressing set of
 * 64-bit fingerprints in two typed arrays (about 16 MB at a million) rather than a Set of strings
 * (about 80 MB). Two REAIDs with the same fingerprint would make the second look claimed: with a
 * random seed per run the odds are about n²/2⁶⁵ (3·10⁻⁸ at a million) and never the same pair twice.
 */
export class ReaidClaims {
  #high = new Uint32Array(1024);
  #low = new Uint32Array(1024);
  #size = 0;
  readonly #seed = randomBytes(4).readUInt32LE(0);

  get size(): number {
    return this.#size;
  }

  has(reaid: string): boolean {
    const [high, low] = this.#fingerprint(reaid);
    const mask = this.#high.length - 1;
    for (let slot = high & mask; ; slot = (slot + 1) & mask) {
      const h = this.#high[slot] as number;
      const l = this.#low[slot] as number;
      if (h === 0 && l === 0) return false;
      if (h === high && l === low) return true;
    }
  }

  /** Claims `reaid`; false when it was claimed already. */
  add(reaid: string): boolean {
    if ((this.#size + 1) * 2 > this.#high.length) this.#grow();
    const [high, low] = this.#fingerprint(reaid);
    return this.#insert(high, low);
  }

  #insert(high: number, low: number): boolean {
    const mask = this.#high.length - 1;
    for (let slot = high & mask; ; slot = (slot + 1) & mask) {
      const h = this.#high[slot] as number;
      const l = this.#low[slot] as number;
      if (h === 0 && l === 0) {
        this.#high[slot] = high;
        this.#low[slot] = low;
        this.#size++;
        return true;
      }
      if (h === high && l === low) return false;
    }
  }

  #grow(): void {
    const [oldHigh, oldLow] = [this.#high, this.#low];
    this.#high = new Uint32Array(oldHigh.length * 2);
    this.#low = new Uint32Array(oldLow.length * 2);
    this.#size = 0;
    for (let i = 0; i < oldHigh.length; i++) {
      const h = oldHigh[i] as number;
      const l = oldLow[i] as number;
      if (h !== 0 || l !== 0) this.#insert(h, l);
    }
  }

  /** Two independent 32-bit hashes (FNV-1a and a multiply-xorshift), finalised; never both zero. */
  #fingerprint(text: string): [number, number] {
    let a = (0x811c9dc5 ^ this.#seed) >>> 0;
    let b = (0x9e3779b9 + this.#seed) >>> 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 15;
    }
    a = mix(a);
    b = mix(b ^ text.length);
    if (a === 0 && b === 0) b = 1;
    return [a >>> 0, b >>> 0];
  }
}

/** murmur3's finaliser: spreads every input bit over the word, so `high & mask` is a good slot. */
function mix(h: number): number {
  let x = h;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}
