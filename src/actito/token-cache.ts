import type { Clock } from "./clock.ts";
import type { TokenGrant } from "./routes.ts";

/** Refresh this long before expiry (Actito's public clients keep 15-minute tokens for 14 minutes). */
const MAX_MARGIN_MS = 60_000;

/**
 * Holds one licence connection's access token: fetched on first use, reused until shortly before
 * it expires, and fetched once for all callers that need it at the same moment.
 */
export class TokenCache {
  #current: { token: string; refreshAt: number } | undefined;
  #inFlight: Promise<string> | undefined;
  #stale = false;
  /** Recent tokens, kept only to redact them from error bodies. */
  #seen: string[] = [];

  constructor(
    private readonly fetchToken: (reason: "first" | "expiring" | "rejected") => Promise<TokenGrant>,
    private readonly clock: Clock,
  ) {}

  /** A token valid for a while yet. */
  get(): Promise<string> {
    const current = this.#current;
    if (current !== undefined && this.clock.now() < current.refreshAt) return Promise.resolve(current.token);
    this.#inFlight ??= this.#fetch(current === undefined ? "first" : this.#stale ? "rejected" : "expiring");
    return this.#inFlight;
  }

  /** Forgets `token` after Actito refused it; a no-op if another caller already replaced it. */
  invalidate(token: string): void {
    if (this.#current?.token === token) {
      this.#current = { token, refreshAt: Number.NEGATIVE_INFINITY };
      this.#stale = true;
    }
  }

  /** The tokens this cache holds, so outputs can be checked against them. */
  secrets(): string[] {
    return this.#seen;
  }

  async #fetch(reason: "first" | "expiring" | "rejected"): Promise<string> {
    try {
      const requestedAt = this.clock.now();
      const grant = await this.fetchToken(reason);
      const margin = Math.min(MAX_MARGIN_MS, grant.expiresInMs / 10);
      this.#current = { token: grant.accessToken, refreshAt: requestedAt + grant.expiresInMs - margin };
      this.#stale = false;
      this.#seen = [grant.accessToken, ...this.#seen.slice(0, 7)];
      return grant.accessToken;
    } finally {
      this.#inFlight = undefined;
    }
  }
}
