import type { Dialect } from "./migrations.ts";
import { StoreError } from "./errors.ts";

/** Why the store failed a call, in words an operator acts on; never the failing values. */
type StoreFailureCause =
  | "disk full"
  | "disk read-only"
  | "disk I/O error"
  | "store busy"
  | "store file unusable"
  | "PostgreSQL unreachable"
  | "PostgreSQL out of resources"
  | "PostgreSQL database or schema missing";

/** A store failure that is the store's surroundings, not a bug: the service answers 503 for it. */
export interface StoreFailure {
  store: "SQLite" | "PostgreSQL";
  cause: StoreFailureCause;
  /** The driver's or system's code (e.g. SQLITE_FULL, ECONNREFUSED, 57P01), when there is one. */
  code: string | null;
}

const sqliteCauses: [RegExp, StoreFailureCause][] = [
  [/^SQLITE_FULL/, "disk full"],
  [/^SQLITE_READONLY/, "disk read-only"],
  [/^SQLITE_IOERR/, "disk I/O error"],
  [/^SQLITE_(BUSY|LOCKED)/, "store busy"],
  [/^SQLITE_(CANTOPEN|NOTADB|CORRUPT|PERM)/, "store file unusable"],
];

const systemCauses: Record<string, StoreFailureCause> = {
  ENOSPC: "disk full",
  EROFS: "disk read-only",
  EIO: "disk I/O error",
};

// Socket errors of the connection to PostgreSQL, and the pool's own messages (which have no code).
const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);
const UNREACHABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection terminated unexpectedly|connect ECONNREFUSED/i;

function postgresCause(code: string | null, message: string): StoreFailureCause | null {
  if (code !== null && UNREACHABLE_CODES.has(code)) return "PostgreSQL unreachable";
  if (code !== null && /^(08|57P)/.test(code)) return "PostgreSQL unreachable";
  if (code === "53100") return "disk full";
  if (code?.startsWith("53")) return "PostgreSQL out of resources";
  if (code === "3D000" || code === "3F000" || code === "42P01")
    return "PostgreSQL database or schema missing";
  if (code === "58030") return "disk I/O error";
  return UNREACHABLE_MESSAGES.test(message) ? "PostgreSQL unreachable" : null;
}

/**
 * What kind of store failure `error` is, or null when it is not one (a bug, or a refusal of the
 * data: those stay 500 / 4xx). Looks only at codes and the drivers' own fixed messages, never at
 * anything that could hold an address.
 */
export function describeStoreFailure(error: unknown, dialect: Dialect): StoreFailure | null {
  const store = dialect === "sqlite" ? "SQLite" : "PostgreSQL";
  for (let at: unknown = error, depth = 0; at instanceof Error && depth < 4; depth++) {
    const raw = (at as { code?: unknown }).code;
    const code = typeof raw === "string" ? raw : null;
    if (at instanceof StoreError && at.code === "unavailable" && at.cause === undefined) {
      return { store, cause: dialect === "sqlite" ? "store busy" : "PostgreSQL unreachable", code: null };
    }
    if (code !== null && systemCauses[code]) return { store, cause: systemCauses[code]!, code };
    if (dialect === "sqlite" && code !== null) {
      const found = sqliteCauses.find(([pattern]) => pattern.test(code));
      if (found) return { store, cause: found[1], code };
    }
    if (dialect === "postgres") {
      const cause = postgresCause(code, at.message);
      if (cause) return { store, cause, code };
    }
    at = at.cause;
  }
  return null;
}
