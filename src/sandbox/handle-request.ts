import type { IncomingMessage, ServerResponse } from "node:http";
import { actitoRoutes } from "./actito-routes.ts";
import { HttpError } from "./http-error.ts";
import type { RouteContext, RouteResult } from "./route-context.ts";
import { type SandboxEndpoint, sandboxEndpoints } from "./sandbox-seed.ts";
import type { LicenceState, SandboxState } from "./sandbox-state.ts";

const tokenPath = "/auth/token";

function send(res: ServerResponse, result: RouteResult): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string> = { ...result.headers };
  if (result.text !== undefined) {
    headers["content-type"] = result.text.contentType;
    headers["content-length"] = String(Buffer.byteLength(result.text.body));
    res.writeHead(result.status, headers).end(result.text.body);
    return;
  }
  if (result.body === undefined) {
    res.writeHead(result.status, headers).end();
    return;
  }
  const text = JSON.stringify(result.body);
  headers["content-type"] = "application/json; charset=utf-8";
  headers["content-length"] = String(Buffer.byteLength(text));
  res.writeHead(result.status, headers).end(text);
}

/** Error bodies name the problem but never echo a request header: those carry keys and tokens. */
function sendError(res: ServerResponse, error: HttpError): void {
  send(res, {
    status: error.status,
    body: { status: error.status, error: error.code, message: error.message },
    headers: error.headers,
  });
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit the rest is drained unread, so the client still gets the 400.
      if (size <= limit) chunks.push(chunk);
    });
    req.on("end", () => {
      if (size > limit)
        reject(new HttpError(400, "BODY_TOO_LARGE", `the body is larger than ${limit} bytes`));
      else resolve(Buffer.concat(chunks));
    });
    req.on("error", reject);
  });
}

/** True when `Accept` is absent or admits JSON. */
function acceptsJson(accept: string | undefined): boolean {
  if (!accept || accept.trim() === "") return true;
  return accept.split(",").some((range) => {
    const [type = "", ...params] = range.split(";").map((p) => p.trim().toLowerCase());
    if (params.some((p) => /^q=0(\.0*)?$/.test(p))) return false;
    return (
      type === "*/*" || type === "application/*" || type === "application/json" || type.endsWith("+json")
    );
  });
}

type Identity = { licence: LicenceState } | { error: HttpError };

/**
 * Finds the licence of a request: by raw API key on `/auth/token`, by bearer token elsewhere.
 * `X-Emi-Endpoint` picks the environment; without it keys are looked up in every environment.
 */
function identify(state: SandboxState, req: IncomingMessage, path: string): Identity {
  const header = req.headers["x-emi-endpoint"];
  let endpoint: SandboxEndpoint | undefined;
  if (header !== undefined) {
    if (typeof header !== "string" || !sandboxEndpoints.includes(header as SandboxEndpoint)) {
      return {
        error: new HttpError(
          400,
          "UNKNOWN_ENDPOINT",
          `X-Emi-Endpoint must be one of ${sandboxEndpoints.join(", ")}`,
        ),
      };
    }
    endpoint = header as SandboxEndpoint;
  }
  const authorization = req.headers.authorization ?? "";
  if (path === tokenPath) {
    if (authorization === "") return { error: new HttpError(401, "UNAUTHORIZED", "an API key is required") };
    const licence = state.licenceForKey(authorization, endpoint);
    if (licence === "ambiguous") {
      return {
        error: new HttpError(
          400,
          "AMBIGUOUS_KEY",
          "this API key exists in several environments: send X-Emi-Endpoint",
        ),
      };
    }
    return licence
      ? { licence }
      : { error: new HttpError(401, "UNAUTHORIZED", "unknown or revoked API key") };
  }
  const match = /^Bearer\s+(\S+)$/i.exec(authorization);
  const token = match ? state.tokens.get(match[1]!) : undefined;
  if (!token || (endpoint !== undefined && token.licence.endpoint !== endpoint)) {
    return { error: new HttpError(401, "UNAUTHORIZED", "a valid bearer token is required") };
  }
  if (state.now() >= token.expiresAt) {
    token.licence.stats.expiredTokens++;
    return { error: new HttpError(401, "TOKEN_EXPIRED", "the access token has expired") };
  }
  return { licence: token.licence };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Answers one request to an Actito route, applying limits and injected faults first. */
export async function handleActitoRequest(
  state: SandboxState,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const identity = identify(state, req, url.pathname);
  if ("licence" in identity) {
    const { gate } = identity.licence;
    if (!gate.enter()) {
      sendError(
        res,
        new HttpError(429, "TOO_MANY_REQUESTS", "too many concurrent requests for this licence"),
      );
      return;
    }
    res.once("close", () => gate.leave());
    await gate.throttle();
  }
  // Three draws per request whatever happens, so one seed replays the same failures.
  const [drop, error, kind] = [state.random(), state.random(), state.random()];
  if (state.faults.latencyMs > 0) await sleep(state.faults.latencyMs);
  if (drop < state.faults.dropRate) {
    state.faultCounts.drops++;
    req.socket.destroy();
    return;
  }
  if (error < state.faults.errorRate) {
    state.faultCounts.errors++;
    const status = kind < 0.5 ? 500 : 503;
    sendError(
      res,
      new HttpError(status, status === 500 ? "INTERNAL_ERROR" : "SERVICE_UNAVAILABLE", "injected fault"),
    );
    return;
  }
  if ("error" in identity) {
    sendError(res, identity.error);
    return;
  }
  if (!acceptsJson(req.headers.accept)) {
    sendError(res, new HttpError(406, "NOT_ACCEPTABLE", "this API answers application/json only"));
    return;
  }
  try {
    send(res, await route(state, identity.licence, req, url));
  } catch (failure) {
    if (failure instanceof HttpError) sendError(res, failure);
    else sendError(res, new HttpError(500, "INTERNAL_ERROR", "the sandbox failed to handle this request"));
  }
}

async function route(
  state: SandboxState,
  licence: LicenceState,
  req: IncomingMessage,
  url: URL,
): Promise<RouteResult> {
  const method = req.method ?? "GET";
  if (url.pathname === tokenPath) {
    if (method !== "GET") throw new HttpError(405, "METHOD_NOT_ALLOWED", "use GET", { allow: "GET" });
    const token = state.issueToken(licence);
    return {
      status: 200,
      body: {
        accessToken: token.accessToken,
        tokenType: "bearer",
        expiresIn: `${token.lifetimeSeconds}s`,
        scope: "read write",
        jti: token.jti,
      },
    };
  }
  const allowed: string[] = [];
  for (const candidate of actitoRoutes) {
    const match = candidate.path.exec(url.pathname);
    if (!match) continue;
    if (candidate.method !== method) {
      allowed.push(candidate.method);
      continue;
    }
    let params: string[];
    try {
      params = match.slice(1).map((p) => decodeURIComponent(p));
    } catch {
      throw new HttpError(400, "INVALID_PARAMETER", "the path is not valid percent-encoding");
    }
    const ctx: RouteContext = {
      state,
      licence,
      params,
      query: url.searchParams,
      headers: req.headers,
      readBody: (limit) => readBody(req, limit),
    };
    return candidate.handle(ctx);
  }
  if (allowed.length > 0) {
    throw new HttpError(405, "METHOD_NOT_ALLOWED", `use ${allowed.join(" or ")}`, {
      allow: allowed.join(", "),
    });
  }
  throw new HttpError(404, "NOT_FOUND", "no such route");
}
