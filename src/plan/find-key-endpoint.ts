import type { ActitoApi } from "../actito/types.ts";
import type { Endpoint } from "../types/declared.ts";

/** Actito's environments, in the order a refused key is tried on them, with the names people know. */
const endpointLabels: Readonly<Record<Endpoint, string>> = {
  api: "ENV-0, Brussels",
  api1: "ENV-1, North America",
  api3: "ENV-3, Paris",
  apitest: "test server",
};

/**
 * The other environment on which a key refused by `declared` is accepted, or null. People are often
 * unsure of their licence's environment: a key for api3 declared with api1 is refused there, and
 * this finds where it belongs. Only `/auth/token` is called; failures of any kind count as "not here".
 */
export async function findKeyEndpoint(
  connect: (options: { endpoint: Endpoint; apiKey: string }) => ActitoApi,
  apiKey: string,
  declared: Endpoint,
): Promise<Endpoint | null> {
  for (const endpoint of Object.keys(endpointLabels) as Endpoint[]) {
    if (endpoint === declared) continue;
    const client = connect({ endpoint, apiKey });
    try {
      await client.checkAuth();
      return endpoint;
    } catch {
      // refused, unreachable or anything else: not this one
    } finally {
      await client.close().catch(() => undefined);
    }
  }
  return null;
}

/** `the key works on api3 (ENV-3, Paris): set endpoint: api3` */
export function keyWorksHint(endpoint: Endpoint): string {
  return `the key works on ${endpoint} (${endpointLabels[endpoint]}): set endpoint: ${endpoint}`;
}
