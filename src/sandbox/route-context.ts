import type { IncomingHttpHeaders } from "node:http";
import type { EntityState, LicenceState, SandboxState, TableState } from "./sandbox-state.ts";
import { HttpError } from "./http-error.ts";

/** What a route handler gets: the licence the token belongs to and the parsed request. */
export interface RouteContext {
  state: SandboxState;
  licence: LicenceState;
  /** Path segments captured by the route pattern, URL-decoded. */
  params: string[];
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Reads the body; past `limit` bytes the rest is drained and `400` is thrown. */
  readBody(limit: number): Promise<Buffer>;
}

/** A handler's answer: no body means `204`-style empty. */
export interface RouteResult {
  status: number;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is (a campaign's HTML), instead of `body`. */
  text?: { contentType: string; body: string };
  headers?: Record<string, string>;
}

/** The entity named in the URL: `403` when another licence owns it, `404` when none does. */
export function entityOf(ctx: RouteContext, name: string): EntityState {
  const entity = ctx.state.entities.get(name);
  if (!entity) throw new HttpError(404, "NOT_FOUND", `no entity ${name}`);
  if (entity.licence !== ctx.licence) {
    throw new HttpError(403, "FORBIDDEN", `this API key has no access to entity ${name}`);
  }
  return entity;
}

export function tableOf(ctx: RouteContext, entityName: string, tableId: string): TableState {
  const table = entityOf(ctx, entityName).tables.get(tableId);
  if (!table) throw new HttpError(404, "NOT_FOUND", `no profile table ${tableId} in entity ${entityName}`);
  return table;
}

/** Parses a JSON body that must be an object; `400` otherwise. */
export async function readJsonObject(ctx: RouteContext): Promise<Record<string, unknown>> {
  const body = await ctx.readBody(1 << 20);
  let value: unknown;
  try {
    value = JSON.parse(body.toString("utf8"));
  } catch {
    throw new HttpError(400, "INVALID_BODY", "the body is not valid JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new HttpError(400, "INVALID_BODY", "the body must be a JSON object");
  }
  return value as Record<string, unknown>;
}
