import type { Limits } from "./sandbox-seed.ts";
import type { LicenceStats } from "./sandbox-stats.ts";

const windowMs = 60_000;
/** Held calls re-check the clock this often, so an injected clock that jumps is noticed. */
const pollMs = 50;

/**
 * Actito's per-licence limits on calls: requests in flight past `concurrentRequests` are refused
 * (`429`); calls past `callsPerMinute` in any 60-second window are held and answered later.
 * Held calls stay in flight, as a connection waiting for Actito's answer would.
 */
export class LicenceGate {
  private inFlight = 0;
  /** Admission times of the latest calls, ascending; at most callsPerMinute are kept. */
  private admissions: number[] = [];

  constructor(
    private readonly stats: LicenceStats,
    private readonly limits: () => Limits,
    private readonly now: () => number,
    private readonly closed: () => boolean,
  ) {}

  /** Counts a call in; false when it must be refused with `429`. */
  enter(): boolean {
    this.stats.calls++;
    this.inFlight++;
    this.stats.peakConcurrency = Math.max(this.stats.peakConcurrency, this.inFlight);
    if (this.inFlight > this.limits().concurrentRequests) {
      this.inFlight--;
      this.stats.rejected429++;
      return false;
    }
    return true;
  }

  leave(): void {
    this.inFlight--;
  }

  /** Resolves when the call may be answered under the calls-per-minute limit. */
  async throttle(): Promise<void> {
    const perWindow = this.limits().callsPerMinute;
    const now = this.now();
    // Calls older than the window can no longer hold anyone back.
    let stale = 0;
    while (stale < this.admissions.length && this.admissions[stale]! <= now - windowMs) stale++;
    if (stale > 0) this.admissions.splice(0, stale);
    let at = now;
    if (this.admissions.length >= perWindow) {
      const oldestInWindow = this.admissions[this.admissions.length - perWindow]!;
      at = Math.max(now, oldestInWindow + windowMs, this.admissions[this.admissions.length - 1]!);
    }
    this.admissions.push(at);
    if (this.admissions.length > perWindow) this.admissions.splice(0, this.admissions.length - perWindow);
    if (at <= now) return;
    this.stats.throttled++;
    while (this.now() < at && !this.closed()) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, at - this.now())));
    }
  }
}
