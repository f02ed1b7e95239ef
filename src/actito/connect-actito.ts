import type { Endpoint } from "../types/declared.ts";
import { createActitoClient } from "./create-actito-client.ts";
import type { ActitoApi } from "./types.ts";

/**
 * Builds the Actito client of one integration (its endpoint and key): the one seam through which
 * refresh, apply, apply's sync and sync reach Actito. The CLI passes `connectActito(env)`; tests
 * point it at the sandbox or wrap the client it returns.
 */
export type ConnectActito = (integration: { endpoint: Endpoint; apiKey: string }) => ActitoApi;

/** The real connection: createActitoClient with `EMI_ACTITO_URL` read from `env`. */
export function connectActito(env: Record<string, string | undefined>): ConnectActito {
  return ({ endpoint, apiKey }) => createActitoClient({ endpoint, apiKey, env });
}
