import type { Endpoint } from "../types/declared.ts";
import { createActitoClient } from "./create-actito-client.ts";
import type { ActitoApi } from "./types.ts";

/** Whose client is wanted: the endpoint and key, and when known the integration's entity and account. */
interface ConnectTarget {
  endpoint: Endpoint;
  apiKey: string;
  /** With the entity, every client of the licence (`<endpoint>/<entity>`) in this process shares one limiter. */
  entity?: string;
  /** The integration's account, for factories that keep a client per integration (`emi sync --watch`). */
  account?: number;
}

/**
 * Builds the Actito client of one integration: how refresh, recovery, activation and runSync reach
 * Actito. The CLI passes `connectActito(env)`, `emi sync --watch` one over its client cache; tests
 * point it at the sandbox or wrap the client it returns. (emi serve's inbox worker builds its
 * clients itself.)
 */
export type ConnectActito = (target: ConnectTarget) => ActitoApi;

/** The real connection: createActitoClient with `EMI_ACTITO_URL` read from `env`. */
export function connectActito(env: Record<string, string | undefined>): ConnectActito {
  return ({ endpoint, apiKey, entity }) =>
    createActitoClient({
      endpoint,
      apiKey,
      env,
      ...(entity !== undefined ? { licence: `${endpoint}/${entity}` } : {}),
    });
}
