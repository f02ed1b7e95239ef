import { createActitoClient } from "../actito/create-actito-client.ts";
import type { ConnectActito } from "./refresh-live-state.ts";

/** The real connection: createActitoClient with `EMI_ACTITO_URL` read from `env`. */
export function connectActito(env: Record<string, string | undefined>): ConnectActito {
  return ({ endpoint, apiKey }) => createActitoClient({ endpoint, apiKey, env });
}
