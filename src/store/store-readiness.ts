import { statfs } from "node:fs/promises";
import { dirname } from "node:path";
import { sqlDriverOf } from "./sql-driver-of.ts";
import { describeStoreFailure } from "./store-failure.ts";

/** Whether the store accepts writes, and if not why (no personal data: causes and codes only). */
export interface Readiness {
  ok: boolean;
  why?: string;
}

/** Below this much free space on an embedded store's disk, the store is reported full. */
export const MIN_FREE_BYTES = 1024 * 1024;

const PROBE_KEY = "readiness-probe";

/**
 * The readiness of a store for `/healthz`: a small write (one row of `store_meta`) and, for an
 * embedded store, the free space of its disk (a write into pages SQLite already has can succeed on a
 * full disk). The answer is kept for `cacheMs`, so probes from a load balancer cost one write every
 * few seconds, and a probe that does not finish within `timeoutMs` counts as a failure.
 */
export function storeReadiness(
  store: object,
  options: { cacheMs?: number; timeoutMs?: number; now?: () => number } = {},
): () => Promise<Readiness> {
  const driver = sqlDriverOf(store);
  const cacheMs = options.cacheMs ?? 3_000;
  const timeoutMs = options.timeoutMs ?? 2_000;
  const now = options.now ?? Date.now;
  let cached: { at: number; answer: Promise<Readiness> } | null = null;

  const probe = async (): Promise<Readiness> => {
    const store = driver.dialect === "sqlite" ? "SQLite" : "PostgreSQL";
    try {
      if (driver.file !== null) {
        const fs = await statfs(dirname(driver.file));
        if (fs.bavail * fs.bsize < MIN_FREE_BYTES) return { ok: false, why: `${store} store: disk full` };
      }
      await driver.run(
        "INSERT INTO store_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [PROBE_KEY, new Date(now()).toISOString()],
      );
      return { ok: true };
    } catch (error) {
      const failure = describeStoreFailure(error, driver.dialect);
      return {
        ok: false,
        why: failure
          ? `${failure.store} store: ${failure.cause}${failure.code ? ` (${failure.code})` : ""}`
          : `${store} store: the write probe failed`,
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
