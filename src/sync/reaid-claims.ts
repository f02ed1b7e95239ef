import { randomBytes } from "node:crypto";
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** How many claims stay in memory before they spill to disk (about 16 MB of table). */
const claimsInMemory = 1 << 20;

/** Entries per block of a spilled run: one read of 4 KB finds a fingerprint. */
const BLOCK_ENTRIES = 512;
/** Bits of Bloom filter per spilled entry, and probes: about 1% of misses read a block. */
const BLOOM_BITS_PER_ENTRY = 10;
const BLOOM_PROBES = 7;

/** Sorted fingerprints on disk, with what finds one without reading the file. */
interface SpilledRun {
  fd: number;
  entries: number;
  bloom: Uint32Array;
  /** The first fingerprint of each block. */
  blockHigh: Uint32Array;
  blockLow: Uint32Array;
}

/**
 * The REAIDs one sync run has seen on a profile or promised to one, so that a REAID goes to one
 * profile only even when profiles sharing an e-mail sit on different pages.
 *
 * A full run remembers every REAID it meets: ten million at 10M profiles. Each REAID is kept as a
 * 64-bit fingerprint in an open-addressing table of two typed arrays while it holds at most
 * `claimsInMemory` (16 MB); past that the table spills to disk as a sorted run of fingerprints
 * (8 bytes each, in a temporary file unlinked at once, so a killed process leaves nothing behind)
 * and empties. A spilled run keeps in memory only a Bloom filter (10 bits an entry) and the first
 * fingerprint of each 4 KB block, so memory stays about 16 MB + 1.3 MB per million spilled, where
 * the table alone took 268 MB at 10M. A lookup that the Bloom filter cannot rule out reads one
 * block (about 1% of new REAIDs per run).
 *
 * Two REAIDs with the same fingerprint would make the second look claimed: with a random seed per
 * run the odds are about n²/2⁶⁵ (3·10⁻⁸ at a million) and never the same pair twice.
 */
export class ReaidClaims {
  #high = new Uint32Array(1024);
  #low = new Uint32Array(1024);
  #inTable = 0;
  #size = 0;
  readonly #seed = randomBytes(4).readUInt32LE(0);
  readonly #memoryEntries: number;
  readonly #dir: string | undefined;
  #spillDir: string | null = null;
  readonly #runs: SpilledRun[] = [];
  readonly #block = Buffer.alloc(BLOCK_ENTRIES * 8);

  /** @param options.memoryEntries claims kept in memory before spilling (default claimsInMemory). */
  constructor(options: { memoryEntries?: number; dir?: string } = {}) {
    this.#memoryEntries = Math.max(16, options.memoryEntries ?? claimsInMemory);
    this.#dir = options.dir;
  }

  get size(): number {
    return this.#size;
  }

  /** Runs spilled to disk so far. */
  get spilledRuns(): number {
    return this.#runs.length;
  }

  has(reaid: string): boolean {
    const [high, low] = this.#fingerprint(reaid);
    return this.#inMemory(high, low) || this.#spilled(high, low);
  }

  /** Claims `reaid`; false when it was claimed already. */
  add(reaid: string): boolean {
    const [high, low] = this.#fingerprint(reaid);
    if (this.#runs.length > 0 && this.#spilled(high, low)) return false;
    if ((this.#inTable + 1) * 2 > this.#high.length) {
      if (this.#inTable >= this.#memoryEntries) this.#spill();
      else this.#grow();
    }
    if (!this.#insert(high, low)) return false;
    this.#size++;
    return true;
  }

  /** Closes and forgets the spilled runs (their files were unlinked when made). */
  close(): void {
    for (const run of this.#runs) closeSync(run.fd);
    this.#runs.length = 0;
    if (this.#spillDir) rmSync(this.#spillDir, { recursive: true, force: true });
    this.#spillDir = null;
  }

  #inMemory(high: number, low: number): boolean {
    const mask = this.#high.length - 1;
    for (let slot = high & mask; ; slot = (slot + 1) & mask) {
      const h = this.#high[slot] as number;
      const l = this.#low[slot] as number;
      if (h === 0 && l === 0) return false;
      if (h === high && l === low) return true;
    }
  }

  #insert(high: number, low: number): boolean {
    const mask = this.#high.length - 1;
    for (let slot = high & mask; ; slot = (slot + 1) & mask) {
      const h = this.#high[slot] as number;
      const l = this.#low[slot] as number;
      if (h === 0 && l === 0) {
        this.#high[slot] = high;
        this.#low[slot] = low;
        this.#inTable++;
        return true;
      }
      if (h === high && l === low) return false;
    }
  }

  #grow(): void {
    const [oldHigh, oldLow] = [this.#high, this.#low];
    this.#high = new Uint32Array(oldHigh.length * 2);
    this.#low = new Uint32Array(oldLow.length * 2);
    this.#inTable = 0;
    for (let i = 0; i < oldHigh.length; i++) {
      const h = oldHigh[i] as number;
      const l = oldLow[i] as number;
      if (h !== 0 || l !== 0) this.#insert(h, l);
    }
  }

  /** Writes the table's fingerprints to disk, sorted, and empties it (keeping its size). */
  #spill(): void {
    const entries = this.#inTable;
    const pairs = new Uint32Array(entries * 2);
    let k = 0;
    for (let i = 0; i < this.#high.length; i++) {
      const h = this.#high[i] as number;
      const l = this.#low[i] as number;
      if (h !== 0 || l !== 0) {
        pairs[k * 2] = h;
        pairs[k * 2 + 1] = l;
        k++;
      }
    }
    const order = Array.from({ length: entries }, (_, i) => i);
    order.sort((a, b) => {
      const ha = pairs[a * 2] as number;
      const hb = pairs[b * 2] as number;
      if (ha !== hb) return ha - hb;
      return (pairs[a * 2 + 1] as number) - (pairs[b * 2 + 1] as number);
    });
    const blocks = Math.ceil(entries / BLOCK_ENTRIES);
    const run: SpilledRun = {
      fd: this.#openRunFile(),
      entries,
      bloom: new Uint32Array(Math.ceil((entries * BLOOM_BITS_PER_ENTRY) / 32) + 1),
      blockHigh: new Uint32Array(blocks),
      blockLow: new Uint32Array(blocks),
    };
    const file = Buffer.alloc(entries * 8);
    order.forEach((from, to) => {
      const h = pairs[from * 2] as number;
      const l = pairs[from * 2 + 1] as number;
      file.writeUInt32BE(h, to * 8);
      file.writeUInt32BE(l, to * 8 + 4);
      if (to % BLOCK_ENTRIES === 0) {
        run.blockHigh[to / BLOCK_ENTRIES] = h;
        run.blockLow[to / BLOCK_ENTRIES] = l;
      }
      bloomAdd(run.bloom, h, l);
    });
    for (let written = 0; written < file.length; ) {
      written += writeSync(run.fd, file, written, file.length - written, written);
    }
    this.#runs.push(run);
    this.#high = new Uint32Array(1024);
    this.#low = new Uint32Array(1024);
    this.#inTable = 0;
  }

  #openRunFile(): number {
    this.#spillDir ??= mkdtempSync(join(this.#dir ?? tmpdir(), "emi-reaid-claims-"));
    const path = join(this.#spillDir, `run-${this.#runs.length}`);
    const fd = openSync(path, "w+");
    // Unlinked at once: the open descriptor keeps it, and a killed process leaves nothing on disk.
    rmSync(path);
    return fd;
  }

  #spilled(high: number, low: number): boolean {
    for (const run of this.#runs) {
      if (!bloomHas(run.bloom, high, low)) continue;
      // The last block whose first fingerprint is at or below (high, low).
      let lo = 0;
      let hi = run.blockHigh.length - 1;
      if (compare(run.blockHigh[0] as number, run.blockLow[0] as number, high, low) > 0) continue;
      while (lo < hi) {
        const mid = (lo + hi + 1) >>> 1;
        if (compare(run.blockHigh[mid] as number, run.blockLow[mid] as number, high, low) <= 0) lo = mid;
        else hi = mid - 1;
      }
      const count = Math.min(BLOCK_ENTRIES, run.entries - lo * BLOCK_ENTRIES);
      readSync(run.fd, this.#block, 0, count * 8, lo * BLOCK_ENTRIES * 8);
      let a = 0;
      let b = count - 1;
      while (a <= b) {
        const mid = (a + b) >>> 1;
        const c = compare(
          this.#block.readUInt32BE(mid * 8),
          this.#block.readUInt32BE(mid * 8 + 4),
          high,
          low,
        );
        if (c === 0) return true;
        if (c < 0) a = mid + 1;
        else b = mid - 1;
      }
    }
    return false;
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

function compare(h1: number, l1: number, h2: number, l2: number): number {
  return h1 !== h2 ? h1 - h2 : l1 - l2;
}

/** Double hashing over the fingerprint's two halves: probe i is low + i·high. */
function bloomAdd(bloom: Uint32Array, high: number, low: number): void {
  const bits = bloom.length * 32;
  for (let i = 0; i < BLOOM_PROBES; i++) {
    const bit = (low + i * ((high | 1) >>> 0)) % bits;
    bloom[bit >>> 5]! |= 1 << (bit & 31);
  }
}

function bloomHas(bloom: Uint32Array, high: number, low: number): boolean {
  const bits = bloom.length * 32;
  for (let i = 0; i < BLOOM_PROBES; i++) {
    const bit = (low + i * ((high | 1) >>> 0)) % bits;
    if (((bloom[bit >>> 5] as number) & (1 << (bit & 31))) === 0) return false;
  }
  return true;
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
