import { describe, expect, it } from "vitest";
import { resolveBaseUrl } from "../../src/actito/endpoints.ts";
import { ActitoUrlError } from "../../src/actito/errors.ts";

describe("resolveBaseUrl", () => {
  it("uses Actito's table without EMI_ACTITO_URL", () => {
    expect(resolveBaseUrl("api3", { env: {} })).toEqual({
      baseUrl: "https://api3.actito.com",
      sendEndpointHeader: false,
    });
  });

  it("sends every endpoint to EMI_ACTITO_URL, without its trailing slash, with the endpoint header", () => {
    expect(resolveBaseUrl("api1", { env: { EMI_ACTITO_URL: " http://127.0.0.1:4010/ " } })).toEqual({
      baseUrl: "http://127.0.0.1:4010",
      sendEndpointHeader: true,
    });
  });

  it("throws an ActitoUrlError that says how to fix it when EMI_ACTITO_URL is not an http(s) URL", () => {
    for (const bad of ["127.0.0.1:4010", "ftp://example.test", "http//oops"]) {
      expect(() => resolveBaseUrl("api", { env: { EMI_ACTITO_URL: bad } })).toThrow(ActitoUrlError);
    }
    expect(() => resolveBaseUrl("api", { env: { EMI_ACTITO_URL: "nope" } })).toThrow(
      /set it to .* or unset it/,
    );
  });
});
