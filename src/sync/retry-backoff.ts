/** The longest wait before a failing integration is tried again. */
const MAX_BACKOFF_MS = 30 * 60_000;
const BASE_BACKOFF_MS = 10_000;

/**
 * How long to wait before trying a failing integration again, after `failures` failures in a row:
 * 10 s, 20 s, 40 s … doubling up to 30 min, each spread by ±25 % jitter so workers that failed
 * together (an Actito outage) do not all come back at once. `random` is in [0, 1).
 */
export function retryBackoffMs(failures: number, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(0, failures - 1), 20);
  const base = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** exponent);
  return Math.min(MAX_BACKOFF_MS, Math.round(base * (0.75 + random() * 0.5)));
}
