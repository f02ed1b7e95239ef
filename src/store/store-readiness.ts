import { statfs } from "node:fs/promises";
import { dirname } from "node:path";
import type { Dialect } from "./migrations.ts";
import { describeStoreFailure } from "./store-failure.ts";

/** Whether the store accepts writes, and if not why (no personal data: causes and codes only). */
export interface Readiness {
  ok: boolean;
  why?: string;
}

/** What readiness needs of a store: a write like any other, and where an embedded store lives. */
export interface WriteProbe {
  /** Which database, to name its failures. */
  readonly dialect: Dialect;
  /** The database file of an embedded store (its disk's free space is checked); null otherwise. */
  readonly storeFile: string | null;
  /** Writes one small row of `store_meta`, as any write would. */
  probeWrite(at: string): Promise<void>;
}

/** Below this much free space on an embedded store's disk, the store is reported full. */
const MIN_FREE_BYTES = 1024 * 1024;

/**
 * The readiness of a store for `/healthz`: a small write (one row of `store_meta`) and, for an
 * embedded store, the free space of its disk (a write into pages SQLite already has can succeed on a
 * full disk). The answer is kept for `cacheMs`, so probes from a load balancer cost one write every
 * few seconds, and a probe that does not finish within `timeoutMs` counts as a failure.
 */
export function storeReadiness(
  store: WriteProbe,
  options: { cacheMs?: number; timeoutMs?: number; now?: () => number } = {},
): () => Promise<Readiness> {
  const cacheMs = options.cacheMs ?? 3_000;
  const timeoutMs = options.timeoutMs ?? 2_000;
  const now = options.now ?? Date.now;
  let cached: { at: number; answer: Promise<Readiness> } | null = null;

  const probe = async (): Promise<Readiness> => {
    const name = store.dialect === "sqlite" ? "SQLite" : "PostgreSQL";
    try {
      if (store.storeFile !== null) {
        const fs = await statfs(dirname(store.storeFile));
        if (fs.bavail * fs.bsize < MIN_FREE_BYTES) return { ok: false, why: `${name} store: disk full` };
      }
      await store.probeWrite(new Date(now()).toISOString());
      return { ok: true };
    } catch (error) {
      const failure = describeStoreFailure(error, store.dialect);
      return {
        ok: false,
        why: failure
          ? `${failure.store} store: ${failure.cause}${failure.code ? ` (${failure.code})` : ""}`
          : `${name} store: the write probe failed`,
      };
    }
  };
  const bounded = () =>
    Promise.race([
      probe(),
      new Promise<Readiness>((resolve) =>
        setTimeout(() => resolve({ ok: false, why: "the store did not answer in time" }), timeoutMs).unref(),
      ),
    ]);
  return () => {
    if (cached === null || now() - cached.at >= cacheMs) cached = { at: now(), answer: bounded() };
    return cached.answer;
  };
}
