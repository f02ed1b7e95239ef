import { EmiError } from "../types/errors.ts";

/** `EMI_ACTITO_URL` is set but is not an http(s) URL: said before any request is made. */
export class ActitoUrlError extends EmiError {}

/**
 * Checks `EMI_ACTITO_URL` up front, so a typo in it is one clear error instead of an "Invalid URL"
 * thrown from deep inside the Actito client in the middle of a plan or sync. Unset or blank is
 * fine: Actito's own endpoints are used then.
 */
export function checkActitoUrl(env: Record<string, string | undefined>): void {
  const value = env.EMI_ACTITO_URL?.trim();
  if (value === undefined || value === "") return;
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
}
