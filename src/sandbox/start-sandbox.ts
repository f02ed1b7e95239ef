import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { EmiError } from "../types/errors.ts";
import { defaultSeed } from "./default-seed.ts";
import { handleActitoRequest } from "./handle-request.ts";
import { checkSeed, loadSeedFile } from "./load-seed.ts";
import type { Faults, Limits, SandboxSeed } from "./sandbox-seed.ts";
import { SandboxState } from "./sandbox-state.ts";
import type { SandboxStats } from "./sandbox-stats.ts";
import { seededRandom } from "./seeded-random.ts";

export type { SandboxSeed } from "./sandbox-seed.ts";

export interface StartSandboxOptions {
  /** The data to serve, or the path of a YAML seed file; the default data set without it. */
  seed?: SandboxSeed | string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The clock for tokens, moments, daily quotas and throttling; tests inject one. */
  now?: () => number;
}

/** A running sandbox. */
export interface RunningSandbox {
  /** Base URL, e.g. `http://127.0.0.1:40123`, for `EMI_ACTITO_URL`. */
  url: string;
  close(): Promise<void>;
  stats(): SandboxStats;
  /** Every profile of a table, for assertions; throws when the table does not exist. */
  profiles(
    licence: string,
    entity: string,
    tableId: string,
  ): Iterable<{ profileId: number; attributes: Record<string, unknown> }>;
  setLimits(limits: Partial<Limits>): void;
  /** Changes fault knobs; giving `seed` restarts the random sequence. */
  setFaults(f: Partial<Faults>): void;
}

/** Thrown when the sandbox cannot listen (port taken, bad host). */
class SandboxListenError extends EmiError {}

function setFaults(state: SandboxState, faults: Partial<Faults>): void {
  state.faults = { ...state.faults, ...faults };
  if (faults.seed !== undefined) state.random = seededRandom(faults.seed);
}

/** Keeps only known knobs with finite, non-negative numbers; undefined when anything else is sent. */
function knobs<T extends object>(value: unknown, known: T): Partial<T> | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  for (const [key, knob] of Object.entries(value)) {
    if (!(key in known) || typeof knob !== "number" || !Number.isFinite(knob) || knob < 0) return undefined;
  }
  return value as Partial<T>;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
}

/** `/_sandbox/…`: stats, and the knobs for people driving the sandbox from a shell. */
async function handleSandboxRequest(
  state: SandboxState,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
) {
  const json = (status: number, body: unknown) =>
    res.writeHead(status, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(body));
  try {
    if (path === "/_sandbox/stats" && req.method === "GET") return json(200, state.stats());
    if (path === "/_sandbox/limits" && req.method === "PUT") {
      const limits = knobs(await readJson(req), state.limits);
      if (!limits) throw new Error("invalid limits");
      state.limits = { ...state.limits, ...limits };
      return json(200, state.limits);
    }
    if (path === "/_sandbox/faults" && req.method === "PUT") {
      const faults = knobs(await readJson(req), state.faults);
      if (!faults) throw new Error("invalid faults");
      setFaults(state, faults);
      return json(200, state.faults);
    }
    return json(404, { status: 404, error: "NOT_FOUND", message: "no such sandbox route" });
  } catch {
    return json(400, {
      status: 400,
      error: "INVALID_BODY",
      message: "send a JSON object of known knobs with non-negative numbers",
    });
  }
}

/**
 * Starts the Actito sandbox on `host:port` and resolves once it listens. Requests choose the
 * environment with `X-Emi-Endpoint`; see src/sandbox/README-section.md.
 */
export async function startSandbox(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const now = options.now ?? Date.now;
  const source = typeof options.seed === "string" ? options.seed : "(inline seed)";
  const seed =
    typeof options.seed === "string"
      ? await loadSeedFile(options.seed)
      : checkSeed(options.seed ?? defaultSeed, source);
  const state = new SandboxState(seed, now, source);
  const server = createServer((req, res) => {
    // Actito's answers carry its clock; the sandbox's clock is `now` (tests move it), not this host's.
    res.setHeader("date", new Date(now()).toUTCString());
    const url = new URL(req.url ?? "/", "http://sandbox");
    const work = url.pathname.startsWith("/_sandbox/")
      ? handleSandboxRequest(state, req, res, url.pathname)
      : handleActitoRequest(state, req, res, url);
    work.catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error) =>
      reject(
        new SandboxListenError(
          `the sandbox cannot listen on ${host}:${options.port ?? 0}: ${listenProblem(error)}`,
          {
            cause: error,
          },
        ),
      ),
    );
    server.listen(options.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        state.closed = true;
        server.close(() => resolve());
        server.closeAllConnections();
        void state.webhooks.close();
      }),
    stats: () => state.stats(),
    profiles: (licence, entity, tableId) => {
      const table = state.table(licence, entity, tableId);
      if (!table) throw new EmiError(`the sandbox has no table ${entity}/${tableId} in licence ${licence}`);
      return table.store.all();
    },
    setLimits: (limits) => {
      state.limits = { ...state.limits, ...limits };
    },
    setFaults: (faults) => setFaults(state, faults),
  };
}

/** Why a server could not listen, in words that say what to do (the code stays for searching). */
function listenProblem(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === "EADDRINUSE")
    return "EADDRINUSE, the port is already in use: stop what runs there, or choose another port (--port)";
  if (code === "EACCES")
    return "EACCES, this user may not listen on that port (below 1024?): choose a port above 1024";
  if (code === "EADDRNOTAVAIL") return "EADDRNOTAVAIL, this machine has no such address: check --host";
  return typeof code === "string" ? code : String((error as Error)?.message ?? error);
}
