import type { Endpoint } from "../types/declared.ts";
import { ActitoUrlError } from "./errors.ts";

/** Actito's environments and their base URLs (docs/actito-model.md, "Environments"). */
const ENDPOINT_BASE_URLS: Readonly<Record<Endpoint, string>> = {
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
  if (override !== undefined) return { baseUrl: checkedBaseUrl(override), sendEndpointHeader: true };
  const baseUrl = ENDPOINT_BASE_URLS[endpoint];
  if (baseUrl === undefined) throw new RangeError(`unknown Actito endpoint ${JSON.stringify(endpoint)}`);
  return { baseUrl, sendEndpointHeader: false };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== "" ? value.trim() : undefined;
}

/**
 * An override base URL without its trailing slash, or an ActitoUrlError saying how to fix it: a
 * typo in `EMI_ACTITO_URL` is one clear error, not an "Invalid URL" from deep inside a request.
 */
export function checkedBaseUrl(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    // The value is an address, not a secret, but keep it short in case something odd was pasted.
    const shown = value.length > 80 ? `${value.slice(0, 80)}…` : value;
    throw new ActitoUrlError(
      `EMI_ACTITO_URL is not an http(s) URL (${JSON.stringify(shown)}): set it to the Actito API or the sandbox's URL, e.g. http://127.0.0.1:8080, or unset it`,
    );
  }
  return value.replace(/\/+$/, "");
}
