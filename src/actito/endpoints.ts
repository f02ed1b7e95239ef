import type { Endpoint } from "../types/declared.ts";

/** Actito's environments and their base URLs (actito-api.md, "Environments"). */
export const ENDPOINT_BASE_URLS: Readonly<Record<Endpoint, string>> = {
  api: "https://api.actito.com",
  api1: "https://api1.actito.com",
  api3: "https://api3.actito.com",
  apitest: "https://apitest.actito.com",
};

/** Where requests for one endpoint go. */
export interface ResolvedBaseUrl {
  baseUrl: string;
  /**
   * True when every endpoint shares one base URL (EMI_ACTITO_URL or an explicit override): the
   * endpoint name then travels as the `X-Emi-Endpoint` header so the server can keep them apart.
   */
  sendEndpointHeader: boolean;
}

/**
 * Resolves the base URL of an endpoint: an explicit `baseUrl` first, then `EMI_ACTITO_URL`, then
 * Actito's table. A trailing slash is dropped.
 */
export function resolveBaseUrl(
  endpoint: Endpoint,
  options: { baseUrl?: string; env?: Record<string, string | undefined> } = {},
): ResolvedBaseUrl {
  const override = options.baseUrl ?? nonEmpty(options.env?.EMI_ACTITO_URL);
  if (override !== undefined) return { baseUrl: override.replace(/\/+$/, ""), sendEndpointHeader: true };
  const baseUrl = ENDPOINT_BASE_URLS[endpoint];
  if (baseUrl === undefined) throw new RangeError(`unknown Actito endpoint ${JSON.stringify(endpoint)}`);
  return { baseUrl, sendEndpointHeader: false };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== "" ? value.trim() : undefined;
}
