/** What one licence has seen; lets tests prove a client stayed within Actito's limits. */
export interface LicenceStats {
  /** Requests attributed to the licence (token calls included, rejected ones included). */
  calls: number;
  /** Most requests in flight at once, counting the one that was refused for exceeding the limit. */
  peakConcurrency: number;
  /** Requests answered `429` (concurrency or import quota). */
  rejected429: number;
  /** Requests held back by the calls-per-minute limit. */
  throttled: number;
  tokensIssued: number;
  /** Requests answered `401` with an expired token. */
  expiredTokens: number;
}

/** What one profile table has seen, keyed `"<entity>/<tableId>"`. */
export interface TableStats {
  /** Mass imports accepted (`202`). */
  importsSubmitted: number;
  /** Mass imports refused with `429` because the day's quota was spent. */
  importsRejected429: number;
  /** Rows created or updated by mass imports. */
  rowsApplied: number;
  /** Rows rejected by mass imports. */
  rowsRejected: number;
  /** Single-profile `PATCH` calls that changed a profile. */
  patches: number;
  /** Single-profile `PUT` upserts. */
  upserts: number;
  /** Pages served by the profile listing. */
  pagesListed: number;
  profiles: number;
}

import type { WebhookStats } from "./webhook-hub.ts";

/** `GET /_sandbox/stats`. */
export interface SandboxStats {
  licences: Record<string, LicenceStats>;
  tables: Record<string, TableStats>;
  faults: { errors: number; drops: number; spoiledPages: number };
  webhooks: WebhookStats;
}

export function emptyLicenceStats(): LicenceStats {
  return { calls: 0, peakConcurrency: 0, rejected429: 0, throttled: 0, tokensIssued: 0, expiredTokens: 0 };
}

export function emptyTableStats(): TableStats {
  return {
    importsSubmitted: 0,
    importsRejected429: 0,
    rowsApplied: 0,
    rowsRejected: 0,
    patches: 0,
    upserts: 0,
    pagesListed: 0,
    profiles: 0,
  };
}
