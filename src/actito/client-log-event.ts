/**
 * What the client reports about its work. Route templates only: never a URL, query, header, key,
 * token or body, so a logger may print every field.
 */
export type ClientLogEvent =
  | {
      type: "request";
      method: string;
      route: string;
      attempt: number;
      durationMs: number;
      /** The answer's status, absent when the connection failed. */
      status?: number;
      /** The network error code (e.g. `ECONNRESET`) when the connection failed. */
      errorCode?: string;
    }
  | {
      type: "retry";
      method: string;
      route: string;
      /** The attempt that failed. */
      attempt: number;
      waitMs: number;
      status?: number;
      errorCode?: string;
    }
  | {
      type: "token";
      /** Why a token was fetched: none yet, the cached one was about to expire, or a 401. */
      reason: "first" | "expiring" | "rejected";
      expiresInMs: number;
    }
  | { type: "import-upload"; bytes: number };
