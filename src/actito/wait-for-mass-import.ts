import { MassImportTimeoutError } from "./errors.ts";
import type { ActitoApi, MassImportStatus } from "./types.ts";

export interface WaitForMassImportOptions {
  /** First interval between polls (default 1 s); it grows ×1.5 up to 15 s. */
  pollMs?: number;
  /** Longest wait (default 1 h). */
  timeoutMs?: number;
  /** Milliseconds since the epoch. */
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/**
 * Polls mass import `id` until it is no longer RUNNING, with a growing interval.
 * @throws MassImportTimeoutError when it is still running after `timeoutMs`.
 */
export async function waitForMassImport(
  api: Pick<ActitoApi, "getMassImport">,
  entity: string,
  id: string,
  options: WaitForMassImportOptions,
): Promise<MassImportStatus> {
  const timeoutMs = options.timeoutMs ?? 3_600_000;
  const started = options.now();
  let interval = options.pollMs ?? 1000;
  for (;;) {
    const status = await api.getMassImport(entity, id);
    if (status.status !== "RUNNING") return status;
    const waited = options.now() - started;
    if (waited >= timeoutMs) throw new MassImportTimeoutError(id, waited);
    await options.sleep(Math.min(interval, timeoutMs - waited));
    interval = Math.min(interval * 1.5, 15_000);
  }
}
