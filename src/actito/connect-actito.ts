import type { Endpoint } from "../types/declared.ts";
import type { ClientLogEvent } from "./client-log-event.ts";
import { createActitoClient } from "./create-actito-client.ts";
import type { ActitoApi } from "./types.ts";

/** Whose client is wanted: the endpoint and key, and when known the integration's entity and account. */
export interface ConnectTarget {
  endpoint: Endpoint;
  apiKey: string;
  /** With the entity, every client of the licence (`<endpoint>/<entity>`) in this process shares one limiter. */
  entity?: string;
  /** The integration's account, for factories that keep a client per integration (`emi sync --watch`). */
  account?: number;
  /** Told of every call (a `--watch` worker counts them per run and per licence). */
  logger?: (event: ClientLogEvent) => void;
}

/**
 * Builds the Actito client of one integration: the one seam through which refresh, recovery,
 * activation, runSync and the long-running workers (`emi sync --watch`, `emi serve --worker`, each
 * over its client cache) reach Actito. The CLI passes `connectActito(env)`; tests point it at the
 * sandbox or wrap the client it returns.
 */
export type ConnectActito = (target: ConnectTarget) => ActitoApi;

/** The real connection: createActitoClient with `EMI_ACTITO_URL` read from `env`. */
export function connectActito(env: Record<string, string | undefined>): ConnectActito {
  return ({ endpoint, apiKey, entity, logger }) =>
    createActitoClient({
      endpoint,
      apiKey,
      env,
      ...(entity !== undefined ? { licence: `${endpoint}/${entity}` } : {}),
      ...(logger !== undefined ? { logger } : {}),
    });
}
